import cProfile, pstats, time
from pathlib import Path
from tests.workflow.support import *
from core.settings import Settings
from core.mailer import FolderMailer
from workers.build import build_worker

async def test_prof(dev_env, tmp_path):
    settings = Settings(environment="test", task_queue="p", data_dir=tmp_path)
    pr = cProfile.Profile(); pr.enable()
    t = time.monotonic()
    w = build_worker(dev_env.client, settings, None, mailer=FolderMailer(tmp_path))
    print("built", time.monotonic() - t)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(30)
    t = time.monotonic()
    w = build_worker(dev_env.client, settings, None, mailer=FolderMailer(tmp_path))
    print("built again", time.monotonic() - t)
