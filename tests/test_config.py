"""Config: defaults, URL round trip, every validation path."""

import pytest

from playground import Config
from playground.config import RANGES


def test_defaults_are_a_tf_playground_start():
    c = Config()
    assert (c.dataset, c.hidden, c.activation, c.learning_rate, c.batch_size,
            c.train_ratio) == ("circle", (4, 2), "tanh", 0.03, 10, 0.5)
    assert c.layer_sizes == (2, 4, 2, 1)
    assert c.output_name == "sigmoid"


def test_round_trip_through_strings():
    c = Config(dataset="spiral", n_classes=4, hidden=(8, 16, 8), features=("x1", "x2", "sinx1"),
               learning_rate=0.003, optimizer="adam", regularization="l2", reg_rate=0.001,
               shuffle=False, dtype="float32", init_seed=99, noise=0.25)
    q = c.to_query()
    assert all(isinstance(v, str) for v in q.values())
    assert Config.from_query(q) == c


def test_zero_hidden_layers_round_trip():
    c = Config(hidden=())
    assert Config.from_query(c.to_query()).hidden == ()
    assert c.layer_sizes == (2, 1)


def test_unknown_keys_ignored_missing_keys_default():
    assert Config.from_query({"utm_source": "x", "hidden": "3"}) == Config(hidden=(3,))


def test_output_resolution():
    assert Config(dataset="blobs", n_classes=3).output_name == "softmax"
    assert Config(dataset="blobs", n_classes=3).layer_sizes[-1] == 3
    assert Config(dataset="plane").output_name == "linear"
    assert Config(dataset="circle", n_classes=5).num_classes == 2  # not multi-class
    assert Config(dataset="circle", output="softmax").layer_sizes[-1] == 2


@pytest.mark.parametrize("field,value,match", [
    ("learning_rate", "50", r"learning_rate: must be between 1e-06 and 10"),
    ("learning_rate", "abc", r"learning_rate: expected a number"),
    ("learning_rate", "nan", r"learning_rate: must be between"),
    ("n_samples", "3", r"n_samples: must be between 10 and 10000"),
    ("n_samples", "12.5", r"n_samples: expected an integer"),
    ("noise", "0.9", r"noise: must be between 0 and 0.5"),
    ("train_ratio", "0.95", r"train_ratio"),
    ("n_classes", "9", r"n_classes"),
    ("data_seed", "-1", r"data_seed"),
    ("batch_size", "0", r"batch_size"),
    ("momentum", "1.5", r"momentum"),
    ("reg_rate", "-0.1", r"reg_rate"),
    ("dataset", "moon", r"dataset: 'moon' is not one of circle"),
    ("activation", "swish", r"activation"),
    ("optimizer", "lbfgs", r"optimizer"),
    ("init", "zeros", r"init"),
    ("regularization", "l3", r"regularization"),
    ("dtype", "float16", r"dtype"),
    ("shuffle", "maybe", r"shuffle: expected true or false"),
    ("hidden", "4,x", r"hidden: expected an integer"),
    ("hidden", "4,0", r"hidden: each layer needs 1 to 128 neurons"),
    ("hidden", "1,1,1,1,1,1,1,1,1", r"hidden: at most 8 hidden layers"),
    ("features", "", r"features: pick at least one input feature \(x1, x2, x1², x2², x1·x2"),
    ("features", "x1,x3", r"features: pick distinct input features from x1, x2, "
                          r"x1sq \(x1²\)"),
    ("features", "x1,x1", r"features: pick distinct input features"),
])
def test_bad_values_name_the_field(field, value, match):
    with pytest.raises(ValueError, match=match):
        Config.from_query({field: value})


def test_typed_constructor_validates_too():
    with pytest.raises(ValueError, match="learning_rate"):
        Config(learning_rate=-1.0)
    with pytest.raises(ValueError, match="hidden"):
        Config(hidden=(4, 200))


@pytest.mark.parametrize("dataset,output,match", [
    ("plane", "sigmoid", "regression dataset"),
    ("blobs", "sigmoid", "classes need 'softmax'"),
])
def test_output_must_fit_the_problem(dataset, output, match):
    with pytest.raises(ValueError, match=match):
        Config(dataset=dataset, n_classes=3, output=output)


def test_lenient_parse_resets_bad_fields_only():
    c, problems = Config.from_query_lenient(
        {"learning_rate": "fast", "hidden": "6,6", "dataset": "nope", "x": "y"})
    assert c.hidden == (6, 6)
    assert c.learning_rate == Config().learning_rate
    assert c.dataset == "circle"
    assert len(problems) == 2
    assert any(p.startswith("Learning rate:") for p in problems)
    assert any(p.startswith("Dataset:") for p in problems)


@pytest.mark.parametrize("field,value,nearest,label", [
    ("learning_rate", "99", 10.0, "Learning rate"),
    ("learning_rate", "1e9", 10.0, "Learning rate"),
    ("learning_rate", "1e-9", 1e-6, "Learning rate"),
    ("noise", "0.9", 0.5, "Noise"),
    ("n_samples", "20000", 10_000, "Points"),
    ("n_samples", "-5", 10, "Points"),
    ("batch_size", "0", 1, "Batch size"),
    ("n_classes", "77", 5, "Classes"),
    ("momentum", "1.5", 0.999, "Momentum"),
    ("reg_rate", "-0.1", 0.0, "Regularization rate"),
    ("train_ratio", "0.95", 0.9, "Training share"),
    ("init_seed", "-1", 0, "Init seed"),
    ("hidden", "200,0,3", (128, 1, 3), "Hidden layers"),
    ("hidden", "1,2,3,4,5,6,7,8,9,10", (1, 2, 3, 4, 5, 6, 7, 8), "Hidden layers"),
])
def test_lenient_parse_clamps_a_number_beyond_its_range_to_the_nearest_bound(
        field, value, nearest, label):
    c, problems = Config.from_query_lenient({field: value, "dataset": "blobs"})
    assert getattr(c, field) == nearest
    assert type(getattr(c, field)) is type(nearest)
    assert len(problems) == 1
    shown = ",".join(map(str, nearest)) if isinstance(nearest, tuple) else f"{nearest:g}"
    assert problems[0].startswith(f"{label}: ") and problems[0].endswith(f" — using {shown}")
    assert field not in problems[0].split(":")[0]  # the control's name, not the URL key


def test_lenient_messages_name_no_infinite_range_nor_internal_datasets():
    _, problems = Config.from_query_lenient({"hidden": "4,x", "dataset": "moon"})
    assert problems == [
        "Dataset: 'moon' is not one of circle, xor, gauss, spiral, moons, checkerboard, "
        "blobs, plane, multi-gauss — using the default circle",
        "Hidden layers: expected an integer between 1 and 128, got 'x' — using the default 4,2"]
    c, problems = Config.from_query_lenient({"learning_rate": "nan", "batch_size": "1e400"})
    assert (c.learning_rate, c.batch_size) == (0.03, 10)  # not numbers: the defaults
    assert len(problems) == 2 and not any("inf" in p.split(",")[0] for p in problems)


def test_lenient_parse_fits_the_batch_to_the_training_set():
    c, problems = Config.from_query_lenient({"batch_size": "9999"})
    assert c.batch_size == 250  # 500 points, half of them train
    assert problems == ["Batch size: 9,999 is more than the 250 training points — using 250"]
    c, problems = Config.from_query_lenient({"batch_size": "95", "n_samples": "100",
                                             "train_ratio": "0.9"})
    assert (c.batch_size, c.n_train) == (90, 90) and len(problems) == 1
    assert Config.from_query_lenient({"batch_size": "250"}) == (Config(batch_size=250), [])
    # in Python a larger batch stays what it always meant: the whole training set
    assert Config(batch_size=9999).batch_size == 9999


def test_lenient_parse_resolves_conflicting_fields():
    c, problems = Config.from_query_lenient({"dataset": "plane", "output": "softmax"})
    assert c.dataset == "plane" and c.output == "auto"
    assert problems and "output" in problems[0]


def test_lenient_parse_of_clean_query_has_no_problems():
    c, problems = Config.from_query_lenient(Config(dataset="xor").to_query())
    assert c == Config(dataset="xor") and problems == []


def test_every_range_is_checked_at_both_ends():
    for field, (lo, hi) in RANGES.items():
        Config.from_query({field: str(lo)})
        Config.from_query({field: str(hi)})


def test_short_query_leaves_out_the_defaults():
    assert Config().to_query(short=True) == {}
    c = Config(dataset="xor", hidden=(8, 8), learning_rate=0.1)
    assert c.to_query(short=True) == {"dataset": "xor", "hidden": "8,8", "learning_rate": "0.1"}
    assert Config.from_query(c.to_query(short=True)) == c
    assert len(c.to_query()) == len(Config.__dataclass_fields__)  # the full form stays
