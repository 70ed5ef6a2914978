// Starts Swagger UI on /docs from a served file: the Content-Security-Policy allows no inline
// script (api/headers.py). The page names the OpenAPI document in data-openapi-url.
const holder = document.getElementById('swagger-ui')
window.SwaggerUIBundle({
  url: holder.dataset.openapiUrl,
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset]
})
