"""Train the tagger (data/tagger.crfsuite) and measure how it generalises, by set.

Run by hand when the tuning sets, the synthetic corpus or the features change (not at run time,
and not by the tests); the same files give the same model:

    python -m survey_app.privacy.anonymiser.train_tagger            # write the shipped model
    python -m survey_app.privacy.anonymiser.train_tagger --cross    # leave one set out, score
    python -m survey_app.privacy.anonymiser.train_tagger --sweep pii-dev pii-heldout2
                                                  # recall and precision per confidence

Cross-validation by set trains on every tuning set but one (plus the synthetic corpus) and scores
the rules alone, the tagger alone and their union on the set left out, so that no figure comes
from text the model was trained on. The held-out sets are never trained on.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from .. import evaluate
from ..redaction import Span
from . import lexicon, synthetic, tagger
from .text import words

ROOT = Path(__file__).resolve().parents[3]
TUNING_SETS = (
    "pii-dev", "pii-extra", "pii-schools-dob", "pii-generalise", "pii-dob-address"
)  # fmt: skip
SYNTHETIC_SIZE = 24000
SEED = 12
# Each labelled training text again this many times with new values in its spans.
SUBSTITUTED_COPIES = 2
# The confidences the union is scored at; the shipped one is tagger.CONFIDENCE.
CONFIDENCES = (0.5, 0.9, 0.95, 0.97, 0.99)
SHIPPED_CONFIDENCE = tagger.CONFIDENCE
PARAMS = {
    # L1 keeps the model small: most features get no weight at all (0.02 rather than 0.05: the
    # rarer contexts of names in lower case keep their weights; the file is about twice as big)
    "c1": 0.02,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}


def bio(text: str, spans: Sequence[tuple[int, int, str]]) -> tuple[list[list[str]], list[str]]:
    """Features and BIO tags for each word of a labelled text."""
    answer_words = words(text)
    tags = []
    for word in answer_words:
        tag = "O"
        for start, end, label in spans:
            if word.start < end and start < word.end:
                tag = ("B-" if word.start <= start else "I-") + label
                break
        tags.append(tag)
    return tagger.features(text, answer_words, lexicon.load()), tags


def _examples(name: str) -> list[evaluate.Example]:
    return evaluate.load(ROOT / "tests" / "data" / f"{name}.jsonl")


def train(sets: Sequence[str], model: Path, synthetic_size: int = SYNTHETIC_SIZE) -> None:
    """Train on the named labelled sets plus the synthetic corpus; write the model to model."""
    trainer = pycrfsuite.Trainer(verbose=False)
    fillers: list[str] = []
    labelled: list[tuple[str, tuple[tuple[int, int, str], ...]]] = []
    for name in sets:
        for example in _examples(name):
            spans = tuple((span.start, span.end, span.label) for span in example.spans)
            if not spans:
                fillers.append(example.text)
            labelled.append((example.text, spans))
            trainer.append(*bio(example.text, spans))
    for sample in synthetic.substituted(labelled, SUBSTITUTED_COPIES, seed=SEED):
        trainer.append(*bio(sample.text, sample.spans))
    for sample in synthetic.corpus(synthetic_size, seed=SEED, fillers=sorted(fillers)):
        trainer.append(*bio(sample.text, sample.spans))
    trainer.set_params(PARAMS)
    trainer.train(str(model))


def _tagger_alone(examples: Sequence[evaluate.Example]) -> tuple[float, float]:
    """Recall of all kinds but towns, and character precision, of the tagger's spans alone."""
    known = lexicon.load()
    found = mentions = hit = flagged = 0
    for example in examples:
        answer_words = words(example.text)
        spans = tagger.find(example.text, answer_words, known)
        redacted = _characters(example.text, spans)
        personal = _characters(example.text, example.spans)
        flagged += len(redacted)
        hit += len(redacted & personal)
        for span in example.spans:
            if span.label == "LOCATION":
                continue
            mentions += 1
            found += _characters(example.text, [span]) <= redacted
    return found / max(mentions, 1), hit / max(flagged, 1)


def _characters(text: str, spans: Sequence[Span]) -> set[int]:
    return {i for span in spans for i in range(span.start, span.end) if text[i].isalnum()}


def _line(name: str, report: evaluate.Report) -> str:
    others = report.combined(label for label in report.labels if label != "LOCATION")
    kinds = "  ".join(
        f"{label[:6]} {report.labels[label].recall:.3f}"
        for label in ("PERSON", "SCHOOL", "ADDRESS", "DATE_OF_BIRTH", "ID")
    )
    return (
        f"{name:<26} all-but-LOC {others.recall:.3f} ({others.mentions})  {kinds}  "
        f"precision {report.precision:.3f}"
    )


def cross_validate(held_out: Sequence[str], synthetic_size: int, folder: Path) -> None:
    """Leave each tuning set out in turn; then train on all and score the held-out sets. Models
    already in folder are reused, so that several processes can train the folds side by side
    and a change to what happens after tagging is scored again without retraining."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in TUNING_SETS:
        model = folder / f"without-{name}.crfsuite"
        if not model.exists():
            train([other for other in TUNING_SETS if other != name], model, synthetic_size)
        _report(name, model)
    model = folder / "all.crfsuite"
    if not model.exists():
        train(TUNING_SETS, model, synthetic_size)
    for name in held_out:
        _report(name, model)
    tagger.use_model(tagger.MODEL)


def _report(name: str, model: Path) -> None:
    examples = _examples(name)
    tagger.use_model(None)
    print(_line(f"{name} rules", evaluate.score(examples)))
    tagger.use_model(model)
    recall, precision = _tagger_alone(examples)
    print(f"{name + ' tagger':<26} all-but-LOC {recall:.3f}  precision {precision:.3f}")
    for confidence in CONFIDENCES:
        tagger.CONFIDENCE = confidence
        print(_line(f"{name} union {confidence}", evaluate.score(examples)), flush=True)
    tagger.CONFIDENCE = SHIPPED_CONFIDENCE


SWEEP = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)


def sweep(sets: Sequence[str], model: Path, confidences: Sequence[float] = SWEEP) -> None:
    """Print, for each confidence the tagger could ship with, the union's recall of the kinds
    the tagger is tuned for and its character precision on each named set and on all together,
    so that the shipped confidence is chosen from figures, not by eye."""
    tagger.use_model(model)
    examples = {name: _examples(name) for name in sets}
    everything = [example for name in sets for example in examples[name]]
    try:
        for confidence in confidences:
            tagger.CONFIDENCE = confidence
            for name, chosen in [*examples.items(), ("all", everything)]:
                print(_line(f"{confidence:<5} {name}", evaluate.score(chosen)), flush=True)
    finally:
        tagger.CONFIDENCE = SHIPPED_CONFIDENCE
        tagger.use_model(tagger.MODEL)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cross", action="store_true", help="leave-one-set-out figures")
    parser.add_argument(
        "--held-out", nargs="*", default=["pii-heldout"], help="score after --cross"
    )
    parser.add_argument("--synthetic", type=int, default=SYNTHETIC_SIZE)
    parser.add_argument("--out", type=Path, default=tagger.MODEL)
    parser.add_argument(
        "--models", type=Path, help="where --cross keeps its models (default: temporary)"
    )
    parser.add_argument(
        "--sweep", nargs="+", metavar="SET", help="score the model at each confidence on SETs"
    )
    parser.add_argument("--without", help="only train the model without this set (or 'none': all)")
    arguments = parser.parse_args(argv)
    if arguments.sweep:
        sweep(arguments.sweep, arguments.out)
    elif arguments.without:
        sets = [name for name in TUNING_SETS if name != arguments.without]
        train(sets, arguments.out, arguments.synthetic)
    elif arguments.cross and arguments.models:
        cross_validate(arguments.held_out, arguments.synthetic, arguments.models)
    elif arguments.cross:
        with tempfile.TemporaryDirectory() as folder:
            cross_validate(arguments.held_out, arguments.synthetic, Path(folder))
    else:
        train(TUNING_SETS, arguments.out, arguments.synthetic)
        print(f"wrote {arguments.out} ({arguments.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
