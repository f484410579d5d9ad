"""ModelOps' sync beside MLflow's own Python client, against one local `mlflow server` (SQLite backend).

Run by scripts/bench-sync.sh with the project's virtualenv (.venv). The populated server database is kept in
$MODELOPS_BENCH_CACHE (MLflow's client writes it in-process, without the server) and each run works
on a copy of it, so every run measures the same server state. Prints one line per figure:
  1. populate: N registered models, one version each, from a run that logged ModelOps' six metrics
  2. MLflow client: list every registered model and every version (search_* through all pages), in-process,
     after one untimed pass that warms the server; again after ModelOps' first pull
  3. ModelOps: first pull (`modelops sync` into an empty registry), one process, wall time; then more
     rounds of listing and first pull, alternating ($MODELOPS_BENCH_ROUNDS, default 5), and their median
  4. ModelOps: a pull with nothing new (requests counted)
  5. MLflow client: move an alias of C models one by one
  6. ModelOps: C moves queued (promote) and pushed by one `modelops sync`; 5 and 6 alternate for up to three
     rounds, each on C other models, and their median
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
C = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
ROUNDS = max(1, int(os.environ.get("MODELOPS_BENCH_ROUNDS", "5")))
BIN = os.environ["MODELOPS_BIN"]
VENV = os.environ["MODELOPS_VENV"]
METRICS = {"accuracy": 0.93, "latency_ms": 31.0, "throughput_rps": 250.0, "uptime_pct": 99.7,
           "ai_confidence": 0.88, "error_rate": 0.004}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def modelops(data_dir, *args, check=True):
    started = time.perf_counter()
    out = subprocess.run([BIN, "--data-dir", data_dir, *args], capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
    took = time.perf_counter() - started
    if check and out.returncode != 0:
        sys.exit(f"modelops {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    return took, out.stdout


def start_server(db, artifacts, port, log):
    server = subprocess.Popen(
        [os.path.join(VENV, "bin", "mlflow"), "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", f"sqlite:///{db}", "--default-artifact-root", artifacts,
         "--workers", "2"],
        stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"{url}/health", timeout=1).status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, 9)
    sys.exit(f"mlflow server did not answer on {url}")


def stop_server(server):
    os.killpg(server.pid, 9)
    server.wait()


def populate(db, artifacts):
    """MLflow's own client writing the SQLite file in-process: the rows a server would write, without a
    server's HTTP round trips (through `mlflow server` this took 21 minutes for 10 000 models here)."""
    import mlflow
    from mlflow import MlflowClient
    uri = f"sqlite:///{db}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.create_experiment("bench", artifact_location=f"file://{artifacts}/bench")
    started = time.perf_counter()
    # One thread: SQLite takes one writer at a time, and a pool of them only waits on its lock.
    for i in range(N):
        name = f"bench-model-{i:05d}"
        client.create_registered_model(name)
        run = client.create_run(exp)
        client.log_batch(run.info.run_id, metrics=[
            mlflow.entities.Metric(k, v, int(time.time() * 1000), 0) for k, v in METRICS.items()])
        client.set_terminated(run.info.run_id)
        client.create_model_version(name, run.info.artifact_uri + "/model", run.info.run_id,
                                    await_creation_for=0)
    print(f"populate: {N} models with one version each in {time.perf_counter() - started:.1f} s")


def all_pages(search, page_size):
    """Every item a paged MLflow search returns, following its page tokens."""
    items, token = [], None
    while True:
        page = search(max_results=page_size, page_token=token)
        items.extend(page)
        token = page.token
        if not token:
            return items


def main():
    import logging
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    cache = os.environ.get("MODELOPS_BENCH_CACHE") or tempfile.mkdtemp(prefix="bench-sync-cache-")
    os.makedirs(cache, exist_ok=True)
    pristine = os.path.join(cache, "mlflow.db")
    if not os.path.exists(pristine):
        if os.path.exists(pristine + ".partial"):
            os.remove(pristine + ".partial")
        # MLflow writes its default experiment's folder under the working directory: the cache's.
        here = os.getcwd()
        os.chdir(cache)
        try:
            populate(pristine + ".partial", os.path.join(cache, "artifacts"))
        finally:
            os.chdir(here)
        os.rename(pristine + ".partial", pristine)
    else:
        print(f"populate: reused {pristine}")
    if os.environ.get("MODELOPS_BENCH_POPULATE_ONLY"):
        return

    work = tempfile.mkdtemp(prefix="bench-sync-")
    shutil.copyfile(pristine, os.path.join(work, "mlflow.db"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "server.log"), "w")
    server = start_server(os.path.join(work, "mlflow.db"), f"{work}/artifacts", port, log)
    try:
        os.environ["MLFLOW_TRACKING_URI"] = url
        from mlflow import MlflowClient
        client = MlflowClient()
        exp = client.get_experiment_by_name("bench").experiment_id

        # MLflow's own client: every model and version, through every page.
        def mlflow_listing():
            started = time.perf_counter()
            models = all_pages(client.search_registered_models, 1000)
            versions = all_pages(client.search_model_versions, 10000)
            listed = time.perf_counter() - started
            started = time.perf_counter()
            runs = client.search_runs([exp], max_results=50000)
            return models, versions, runs, listed, listed + time.perf_counter() - started

        # The first pass after the server starts is much slower (its workers and SQLite's cache are cold:
        # 15.6 s against 5.6 s for 10 000 models here), so one untimed pass warms the server for both sides.
        mlflow_listing()
        models, versions, runs, mlflow_list, with_runs = mlflow_listing()
        print(f"mlflow client, list {len(models)} models and {len(versions)} versions: {mlflow_list:.2f} s")
        print(f"mlflow client, + their runs' metrics ({len(runs)} runs): {with_runs:.2f} s")

        data = os.path.join(work, "modelops")
        modelops(data, "clear-demo")
        modelops(data, "remote", "set", url)
        took, out = modelops(data, "--json", "sync")
        report = json.loads(out)
        print(f"modelops first pull of {report['newModels']} models, {report['newVersions']} versions "
              f"with metrics: {took:.2f} s ({report['requests']} requests), "
              f"{took / mlflow_list:.2f}x the mlflow client's listing")
        # One pair of figures swings by a fifth from run to run (the server's two workers share the two
        # cores with ModelOps), so listing and first pull alternate for more rounds, each pull into a new
        # registry, and the median ratio is the figure.
        lists, pulls = [mlflow_list], [took]
        for i in range(1, ROUNDS):
            _, _, _, listed, _ = mlflow_listing()
            fresh = os.path.join(work, f"modelops-{i}")
            modelops(fresh, "clear-demo")
            modelops(fresh, "remote", "set", url)
            pulled, _ = modelops(fresh, "--json", "sync")
            lists.append(listed)
            pulls.append(pulled)
            print(f"  round {i + 1}: listing {listed:.2f} s, first pull {pulled:.2f} s, {pulled / listed:.2f}x")
        ratios = sorted(p / q for p, q in zip(pulls, lists))
        print(f"first pull against the listing, {ROUNDS} alternating rounds: median {statistics.median(ratios):.2f}x "
              f"({ratios[0]:.2f}-{ratios[-1]:.2f}x); listing median {statistics.median(lists):.2f} s, "
              f"first pull median {statistics.median(pulls):.2f} s")
        _, _, _, again, _ = mlflow_listing()
        print(f"mlflow client, the listing again after the pulls: {again:.2f} s")
        took, out = modelops(data, "--json", "sync")
        report = json.loads(out)
        print(f"modelops pull with nothing new: {took:.2f} s ({report['requests']} requests)")

        # C alias moves, one by one with MLflow's client, then queued in ModelOps (promote: development ->
        # staging) and pushed by one sync; alternating, on another C models each round, as long as there are
        # models for it (at most 3 rounds).
        _, out = modelops(data, "--json", "list", "--all")
        id_of = {m["name"]: m["id"] for m in json.loads(out)}
        names = [m.name for m in models]
        push_ratios = []
        for i in range(min(3, len(names) // max(C, 1))):
            chunk = names[i * C:(i + 1) * C]
            started = time.perf_counter()
            for name in chunk:
                client.set_registered_model_alias(name, "challenger", "1")
            py_moves = time.perf_counter() - started
            print(f"mlflow client, {C} alias moves one by one: {py_moves:.2f} s")
            for name in chunk:
                modelops(data, "promote", id_of[name])
            took, out = modelops(data, "--json", "sync")
            report = json.loads(out)
            push_ratios.append(took / py_moves)
            print(f"modelops push of {report['pushed']} queued changes: {took:.2f} s "
                  f"({report['requests']} requests), {took / py_moves:.2f}x the mlflow client's one-by-one")
        if push_ratios:
            print(f"push against the client one by one, {len(push_ratios)} rounds: median "
                  f"{statistics.median(push_ratios):.2f}x ({min(push_ratios):.2f}-{max(push_ratios):.2f}x)")
    finally:
        stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
