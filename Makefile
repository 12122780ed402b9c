# formlab: one command to set up and run the demo, one to set up and run the tests.
#   make demo   # create .venv, install formlab, analyse the default sample clip into results/demo
#   make app    # serve the browser app (formlab app) on http://127.0.0.1:8866/
#   make test   # create .venv, install formlab with test tools, run the whole test suite
#                 (on every core; TEST_WORKERS=1 for one process)
#
# Models and sample media are found through formlab's normal search order:
# $FORMLAB_MODEL_DIR / $FORMLAB_DATA_DIR, then the user cache, then a download.
# On a machine with a ../shared folder (offline mirrors of both), the two
# variables default to it; set them yourself to use other mirrors.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared

ifneq ($(wildcard $(SHARED)/models/*.task),)
export FORMLAB_MODEL_DIR ?= $(abspath $(SHARED)/models)
endif
ifneq ($(wildcard $(SHARED)/data/manifest.json),)
export FORMLAB_DATA_DIR ?= $(abspath $(SHARED)/data)
endif

DEMO_SAMPLE ?= squatAnalysis-rohanx01__squat
DEMO_OUT    ?= results/demo

.PHONY: setup demo app figures test test-fast browser benchmark evaluate clean

setup: $(VENV)/.formlab-installed

$(VENV)/.formlab-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[dev,notebooks]"
	touch $@

demo: setup
	$(BIN)/formlab analyze sample:$(DEMO_SAMPLE) --exercise front_squat -o $(DEMO_OUT)
	@echo "demo: open $(DEMO_OUT)/annotated.mp4 (the video, annotated), $(DEMO_OUT)/summary.json and $(DEMO_OUT)/reps.csv (the numbers), $(DEMO_OUT)/bar_path.png (the figures)"

# The browser app: upload a video, read the verdicts (formlab app --help for its options).
app: setup
	$(BIN)/formlab app

# The bar figures of the default clip, committed in figures/.
figures: setup
	$(BIN)/formlab analyze sample:$(DEMO_SAMPLE) --exercise front_squat -o results/figures --no-progress
	mkdir -p figures
	cp results/figures/bar_position.png figures/$(DEMO_SAMPLE)__bar_position.png
	cp results/figures/bar_path.png figures/$(DEMO_SAMPLE)__bar_path.png

# Rep counting on every sample video with a hand count, against the article's baseline.
evaluate: setup
	$(BIN)/python tests/benchmarks/eval_reps.py

# Browser tests drive Debian's Chromium; install it when missing (needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "Chromium is needed for the browser tests: install Debian's 'chromium' package"; exit 1; fi; }

# The suite runs on every core (pytest-xdist); tests/conftest.py keeps together what is built once
# (the emulated Colab and the browser tests that read its notebooks, each module's own servers).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

test: setup browser
	$(PYTEST)

test-fast: setup
	$(PYTEST) -m "not media and not browser and not notebooks"

benchmark: setup
	$(BIN)/python tests/benchmarks/bench_extract.py
	$(BIN)/python tests/benchmarks/bench_analyze.py

clean:
	rm -rf $(VENV) results .pytest_cache
