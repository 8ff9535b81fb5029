"""The performance model from Python: its contract with real values."""

from __future__ import annotations

import pickle

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import chipmodel
from chipmodel.inputs import MeasurementDict


def test_model_catalog() -> None:
    ids = {m.id for m in chipmodel.models()}
    for needed in ("llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b",
                   "qwen2.5-72b", "gpt-j-6b", "gpt-3-175b", "mixtral-8x7b", "mixtral-8x22b", "qwen3-235b-a22b",
                   "deepseek-v3"):  # fmt: skip
        assert needed in ids
    m = chipmodel.model("Llama2-70B")
    assert m.id == "llama-2-70b" and m.num_kv_heads == 8
    assert m.weight_bytes("bf16") == pytest.approx(137.95e9, rel=1e-3)
    assert m.kv_cache_bytes_per_token("bf16") == 320 * 1024
    assert "Model('llama-2-70b'" in repr(m)
    mx = chipmodel.model("mixtral-8x7b")
    assert mx.is_moe and mx.top_k == 2 and mx.active_params == pytest.approx(12.9e9, rel=0.01)


def test_unknown_model_is_a_keyerror_with_suggestions() -> None:
    with pytest.raises(chipmodel.UnknownModelError) as info:
        chipmodel.model("llama-2-71b")
    assert isinstance(info.value, KeyError) and isinstance(info.value, chipmodel.ChipModelError)
    assert "llama-2-70b" in info.value.suggestions


def test_from_hf_config_matches_the_catalog() -> None:
    cfg = {
        "model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
        "num_key_value_heads": 8, "intermediate_size": 14336, "num_local_experts": 8, "num_experts_per_tok": 2,
        "vocab_size": 32000, "max_position_embeddings": 32768, "tie_word_embeddings": False,
        "_name_or_path": "mistralai/Mixtral-8x7B-v0.1",
    }  # fmt: skip
    m = chipmodel.Model.from_hf_config(cfg)
    assert m.id == "mistralai-mixtral-8x7b-v0.1"
    assert m.total_params == chipmodel.model("mixtral-8x7b").total_params
    est = chipmodel.estimate_inference(m, "h200", n_chips=2)
    assert est.model == m.id and est.fits
    with pytest.raises(chipmodel.ConfigError, match="'vocab_size': missing"):
        chipmodel.Model.from_hf_config({"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2})


def test_worked_example_llama_2_70b() -> None:
    one = chipmodel.estimate_inference("llama-2-70b", "h100")
    assert not one.fits
    assert one.memory["weights_bytes"] == pytest.approx(137.95e9, rel=1e-3)
    assert one.memory_shortfall_bytes > 57e9  # 80 GiB as the device sees it
    two = chipmodel.estimate_inference("llama-2-70b", "h200", n_chips=2)
    assert two.fits and two.tp == 2 and two.memory_shortfall_bytes == 0
    assert "DOES NOT FIT" in repr(one) and "fits" in repr(two)


def test_estimate_contract_and_breakdown() -> None:
    e = chipmodel.estimate_inference("llama-2-70b", "h100", n_chips=8, tp=8, batch=64, input_tokens=1024, output_tokens=128)
    assert (e.n_chips, e.tp, e.pp, e.dp, e.ep, e.batch) == (8, 8, 1, 1, 1, 64)
    assert e.fits and e.bound == "memory" and e.mode == "calibrated"
    assert 0 < e.ttft_s < 10 and 0 < e.tpot_s < 0.1
    assert e.e2e_latency_s == pytest.approx(e.ttft_s + 127 * e.tpot_s)
    # At equal lengths continuous batching makes about what a static batch makes; at TP 8 its mixed
    # steps' all-reduces are smaller than one large prefill's and run at a lower bus bandwidth.
    assert 0.85 < e.throughput_tokens_per_s / e.static_throughput_tokens_per_s < 1.0
    assert e.energy_per_token_j == pytest.approx(8 * 700 / e.throughput_tokens_per_s)
    ops = e.breakdown()
    decode = [o for o in ops if o["phase"] == "decode"]
    assert sum(o["time_s"] for o in decode) == pytest.approx(e.tpot_s, rel=1e-9)
    assert {"qkv_proj", "attention", "tp_all_reduce", "mlp_up_proj", "lm_head"} <= {o["op"] for o in decode}
    d = e.to_dict()
    assert d["breakdown"] and d["fits"] is True and d["bound"] == "memory"
    df = chipmodel.breakdown_frame(e)
    assert set(df["phase"]) == {"prefill", "decode", "steady"}
    roof = chipmodel.estimate_inference("llama-2-70b", "h100", n_chips=8, tp=8, batch=64, mode="roofline")
    assert roof.tpot_s < e.tpot_s and roof.ttft_s < e.ttft_s
    assert e.max_batch() > 64


def test_h200_vs_h100_on_the_seed_question() -> None:
    kw = dict(n_chips=8, batch=64, input_tokens=1024, output_tokens=128)
    h100 = chipmodel.estimate_inference("llama-2-70b", "h100", **kw)  # type: ignore[arg-type]
    h200 = chipmodel.estimate_inference("llama-2-70b", "h200", **kw)  # type: ignore[arg-type]
    speedup = h100.tpot_s / h200.tpot_s
    assert 1.1 < speedup < 1.43  # bandwidth helps decode; the all-reduces do not change
    best100 = chipmodel.best_inference("llama-2-70b", "h100", n_chips=8)
    best200 = chipmodel.best_inference("llama-2-70b", "h200", n_chips=8)
    # Capacity buys batch: the H200's best throughput gains more than its bandwidth alone.
    assert best200.batch > best100.batch
    assert best200.throughput_tokens_per_s > best100.throughput_tokens_per_s


def test_best_inference_meets_targets_or_says_why() -> None:
    best = chipmodel.best_inference("llama-3.1-70b", "h200", n_chips=8, tpot_slo_s=0.03, ttft_slo_s=2.0)
    assert best.fits and best.tpot_s <= 0.03 and best.ttft_s <= 2.0
    assert best.chosen_by.startswith("best_inference (trtllm 1.x): tp=")
    sched = best.schedule
    assert sched is not None and sched["tpot_s"] == best.tpot_s and sched["ttft_s"] == best.ttft_s
    assert best.kernel_curves == "aic-h200-sxm" and 1 <= len(best.alternatives) <= 3
    assert all(a["throughput_tokens_per_s"] <= best.throughput_tokens_per_s for a in best.alternatives)
    plain = chipmodel.estimate_inference("llama-3.1-8b", "mi300x")
    assert plain.schedule is None and plain.alternatives == [] and plain.kernel_curves is None
    assert "next best" in best.chosen_by  # the runner-up and what it makes
    with pytest.raises(chipmodel.ConfigError, match="does not fit on 1 × h100-sxm"):
        chipmodel.best_inference("llama-3.1-405b", "h100", n_chips=1)
    with pytest.raises(chipmodel.ConfigError, match="latency targets"):
        chipmodel.best_inference("llama-3.1-70b", "h200", n_chips=8, tpot_slo_s=1e-5)


def test_sweep_columns_threads_and_invalid_rows() -> None:
    kw = dict(batch=[1, 8, 64, 512], input_tokens=[128, 2048], weight_dtype=["bf16", "fp8"], n_chips=[1, 8])
    one = chipmodel.sweep_inference(["llama-3.1-8b", "llama-2-70b"], ["h100", "a100", "mi300x"], threads=1, **kw)  # type: ignore[arg-type]
    two = chipmodel.sweep_inference(["llama-3.1-8b", "llama-2-70b"], ["h100", "a100", "mi300x"], threads=2, **kw)  # type: ignore[arg-type]
    n = 2 * 3 * 4 * 2 * 2 * 2
    assert len(one["tpot_s"]) == n
    for k in one:
        np.testing.assert_array_equal(one[k], two[k])  # identical whatever the thread count
    # The A100 has no FP8 rate, but fp8 weights run weight-only: every row is valid here.
    assert one["valid"].all()
    assert set(one["bound"]) <= {"compute", "memory", "communication", "overhead"}
    bad = chipmodel.sweep_inference("llama-3.1-8b", "h100", n_chips=8, tp=[3, 8], batch=8)
    assert list(bad["valid"]) == [False, True] and np.isnan(bad["tpot_s"][0])
    df = chipmodel.sweep_frame(one)
    assert len(df) == n and df["memory_per_chip_bytes"].dtype == np.float64


def test_sweep_matches_single_estimates() -> None:
    cols = chipmodel.sweep_inference("llama-2-70b", "h200", n_chips=8, batch=[1, 64], input_tokens=1024)
    for i, b in enumerate([1, 64]):
        e = chipmodel.estimate_inference("llama-2-70b", "h200", n_chips=8, batch=b)
        assert cols["tpot_s"][i] == e.tpot_s and cols["throughput_tokens_per_s"][i] == e.throughput_tokens_per_s


def test_training_estimate() -> None:
    t = chipmodel.estimate_training("llama-3.1-70b", "h100", n_chips=1024, tokens=15e12, mfu=0.4)
    assert t.total_flops == pytest.approx(t.flops_per_token * 15e12)
    assert 150 < t.time_s / 86400 < 200
    assert t.chip_hours == pytest.approx(t.time_s * 1024 / 3600)
    assert t.fits and t.mfu == 0.4 and t.mfu_source == "given"
    est = chipmodel.estimate_training("llama-3.1-405b", "h100", n_chips=8, tokens=1e9, tp=8, zero_stage=0)
    assert not est.fits  # 405 B × 16 bytes / 8 chips is far over 80 GB
    assert est.mfu_source.startswith("estimated")


def test_calibrate_recovers_known_parameters() -> None:
    truth = {"memory_efficiency": 0.6}
    points: list[MeasurementDict] = []
    for batch in (1, 4, 16, 64):
        e = chipmodel.estimate_inference("llama-3.1-8b", "h200", batch=batch, params=truth)
        points.append({"model": "llama-3.1-8b", "chip": "h200", "batch": batch, "metric": "tpot_s", "value": e.tpot_s})
    fit = chipmodel.calibrate(points)
    assert "memory_efficiency" in fit.fitted
    assert len(fit.residuals) == 4 and fit.rms_relative_error < 0.05
    again = chipmodel.estimate_inference("llama-3.1-8b", "h200", batch=16, params=fit.params)
    assert again.tpot_s == pytest.approx(points[2]["value"], rel=0.05)


def test_bad_arguments_are_chipmodel_errors() -> None:
    with pytest.raises(chipmodel.UnsupportedPrecisionError, match="a100-sxm has no fp8 rate"):
        chipmodel.estimate_inference("llama-2-7b", "a100", act_dtype="fp8")
    with pytest.raises(chipmodel.ConfigError, match="mode"):
        chipmodel.estimate_inference("llama-2-7b", "h100", mode="fast")
    with pytest.raises(chipmodel.ConfigError, match="weight_dtype"):
        chipmodel.estimate_inference("llama-2-7b", "h100", weight_dtype="fp12")
    with pytest.raises(chipmodel.ConfigError, match="tp = 3: must divide n_chips = 8") as info:
        chipmodel.estimate_inference("llama-2-7b", "h100", n_chips=8, tp=3)
    assert info.value.field == "tp" and isinstance(info.value, ValueError)
    with pytest.raises(chipmodel.ConfigError, match=r"memory_efficiency = 1.5: must be in \(0, 1\]"):
        chipmodel.estimate_inference("llama-2-7b", "h100", params={"memory_efficiency": 1.5})
    with pytest.raises(chipmodel.ConfigError, match="unknown parameter"):
        chipmodel.estimate_inference("llama-2-7b", "h100", params={"speed": 2.0})
    with pytest.raises(chipmodel.ConfigError, match="batch = -1: must be a whole number from 0 to 4294967295"):
        chipmodel.estimate_inference("llama-2-7b", "h100", batch=-1)
    with pytest.raises(chipmodel.ArgumentTypeError, match="expected a model name or a Model") as err:
        chipmodel.estimate_inference(42, "h100")  # type: ignore[arg-type]
    assert isinstance(err.value, TypeError) and err.value.field == "model"
    with pytest.raises(chipmodel.ConfigError, match="longer than"):
        chipmodel.estimate_inference("llama-2-7b", "h100", input_tokens=10**9)


def test_custom_chip_from_a_catalog_file(write_catalog: Callable[[str], Path]) -> None:
    from conftest import GOOD_CHIP

    cat = chipmodel.load_catalog(write_catalog(GOOD_CHIP))
    e = chipmodel.estimate_inference("llama-3.1-8b", cat.chip("acme-a1"))
    assert e.chip == "acme-a1" and e.fits
    assert e.params["memory_efficiency"] == pytest.approx(0.80)  # the generic family, flagged estimate


def test_calibration_values_carry_provenance() -> None:
    cal = chipmodel.calibration("h100")
    assert cal["family"] == "nvidia-hopper"
    for field, v in cal["values"].items():
        assert v["source"] in cal["sources"], field
        assert isinstance(v["estimate"], bool)
    assert 0.5 < cal["params"]["memory_efficiency"] <= 1.0
    assert chipmodel.calibration(chipmodel.chip("ascend-910b"))["values"]["compute_efficiency"]["estimate"]


def test_substitutions_are_named_in_the_result() -> None:
    e = chipmodel.estimate_inference("llama-3.1-70b", "ascend-910c", n_chips=8, weight_dtype="fp8")
    assert (e.weight_dtype, e.compute_dtype) == ("fp8", "bf16")
    assert e.notes == ["weight-only fp8: fp8 weights, bf16 compute (ascend-910c has no fp8 rate)"]
    assert "[weight-only fp8" in repr(e)
    long = chipmodel.estimate_inference("llama-2-7b", "h100", input_tokens=5000)
    assert long.beyond_trained_context and "trained context of 4096" in long.notes[0]
    best = chipmodel.best_inference("llama-3.1-8b", "h100", n_chips=1)
    assert best.notes[-1].startswith("offline maximum throughput: no latency target")
    plain = chipmodel.estimate_inference("llama-3.1-8b", "h100", weight_dtype="fp8")
    assert plain.notes == [] and not plain.beyond_trained_context


def test_engine_profiles_cap_the_search_and_are_named() -> None:
    ids = [e["id"] for e in chipmodel.engines()]
    assert ids == ["ideal", "trtllm", "vllm", "sglang", "vllm-v0"]
    vllm = next(e for e in chipmodel.engines() if e["id"] == "vllm")
    assert vllm["max_sequences"]["value"] == 1024 and "vllm-arg-utils" in vllm["sources"]
    kw: dict[str, Any] = dict(n_chips=1, input_tokens=128, output_tokens=128, weight_dtype="fp8")
    ideal = chipmodel.best_inference("llama-3.1-8b", "h200", engine="ideal", **kw)
    capped = chipmodel.best_inference("llama-3.1-8b", "h200", engine="vllm", **kw)
    default = chipmodel.best_inference("llama-3.1-8b", "h200", **kw)
    assert default.engine == "trtllm" and "NVIDIA vendor's reference engine" in default.notes[0]
    assert default.batch <= 4096  # trtllm-bench's cap per replica
    assert ideal.engine == "ideal" and capped.engine == "vllm"
    assert capped.batch <= 1024 < ideal.batch
    assert chipmodel.estimate_inference("llama-3.1-8b", "h200").engine is None
    with pytest.raises(chipmodel.ConfigError, match="unknown engine"):
        chipmodel.best_inference("llama-3.1-8b", "h200", engine="tgi", **kw)


def test_engine_profiles_are_objects_the_estimates_take() -> None:
    vllm = chipmodel.engine("vllm")
    assert (vllm.id, vllm.version) == ("vllm", "V1")
    assert vllm.to_dict()["max_sequences"]["source"] == "vllm-arg-utils"
    assert repr(vllm).startswith("EngineProfile(vllm V1: 1024 sequences, 16384 tokens a step, chunked prefill")
    small = vllm.replace(max_sequences=64, chunked_prefill=False)
    assert small.id == "vllm+" and small != vllm and vllm.id == "vllm"
    d = small.to_dict()
    assert d["max_sequences"]["value"] == 64 and d["max_sequences"]["source"] == "caller"
    assert d["chunked_prefill"]["value"] is False and "caller" in d["sources"]
    kw: dict[str, Any] = dict(n_chips=1, input_tokens=128, output_tokens=128, weight_dtype="fp8")
    best = chipmodel.best_inference("llama-3.1-8b", "h200", engine=small, **kw)
    assert best.engine == "vllm+" and best.batch <= 64
    # estimate_inference as an engine runs the given batch: its admission and schedule.
    e = chipmodel.estimate_inference("llama-3.1-8b", "h200", batch=64, engine="trtllm", **kw)
    assert e.engine == "trtllm" and e.to_dict()["schedule"]["sequences_per_replica"] == 64
    assert e.notes[-1].startswith("engine trtllm 1.x: KV reserved")
    with pytest.raises(chipmodel.ConfigError, match="at most 64 sequences") as info:
        chipmodel.estimate_inference("llama-3.1-8b", "h200", batch=128, engine=small, **kw)
    assert info.value.field == "batch"
    # Sweeps too: each row as estimate_inference(engine=...) runs it; over the cap is invalid.
    cols = chipmodel.sweep_inference("llama-3.1-8b", "h200", batch=[64, 4096], engine="vllm", **kw)
    assert list(cols["valid"]) == [True, False]
    one = chipmodel.estimate_inference("llama-3.1-8b", "h200", batch=64, engine="vllm", **kw)
    assert cols["throughput_tokens_per_s"][0] == one.throughput_tokens_per_s
    grid = chipmodel.SweepGrid("llama-3.1-8b", "h200", batch=[64, 128], weight_dtype="fp8", engine=small)
    first = next(chipmodel.sweep_chunks(pickle.loads(pickle.dumps(grid))))
    assert list(first["valid"]) == [True, False]  # the replaced profile runs at most 64
    with pytest.raises(chipmodel.ConfigError, match="not a settable engine field") as info:
        vllm.replace(max_seqs=8)
    assert info.value.field == "field"
    with pytest.raises(chipmodel.ConfigError, match="must be at least 1"):
        vllm.replace(max_num_tokens=0)
    with pytest.raises(chipmodel.ConfigError, match="wrong kind of value"):
        vllm.replace(chunked_prefill=3)
    with pytest.raises(chipmodel.ConfigError, match="unknown engine"):
        chipmodel.engine("tgi")
    with pytest.raises(chipmodel.ConfigError, match="engine id or an EngineProfile"):
        chipmodel.best_inference("llama-3.1-8b", "h200", engine=3, **kw)  # type: ignore[arg-type]


def test_estimates_say_how_much_of_their_calibration_is_estimated() -> None:
    assert chipmodel.estimate_inference("llama-3.1-8b", "h100").calibration_estimates == (1, 14)
    assert chipmodel.estimate_inference("llama-3.1-8b", "ascend-910c").calibration_estimates == (11, 12)
    assert chipmodel.estimate_inference("llama-3.1-8b", "h100", mode="roofline").calibration_estimates == (0, 0)
