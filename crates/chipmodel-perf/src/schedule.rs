//! The in-flight-batching schedule: how a serving engine runs one model replica's batch, step
//! by step, under its limits (`docs/performance-model.md`, "Engine schedule").
//!
//! Mean-field and analytic, so an estimate stays in microseconds. Per replica of `B` sequences:
//! - `M = min(pp, B)` micro-batches of `B/M` sequences (the engine's pipeline keeps one per
//!   stage in flight);
//! - a micro-batch's step carries at most `T` tokens (the engine's `max_num_tokens`): decode
//!   tokens of its running sequences plus prompt tokens (a chunk, or whole prompts when chunked
//!   prefill is off);
//! - a wave of `B/M` prompts needs `S = ⌈(B/M)·input / p⌉` steps that carry prefill (`p` prompt
//!   tokens each) — mixed steps — and the rest of its `output` steps decode only;
//! - a stage's step is the device time of the micro-batch on that stage plus the host time of
//!   scheduling it (or the larger of the two where the engine overlaps them);
//! - a round (every micro-batch one step) takes `max(Σ stage steps, pp × (slowest step + send))`:
//!   with pipeline stages, a mixed micro-batch holds the others back (the imbalance bubble), and
//!   each micro-batch waits for its own trip through every stage (sends on the critical path);
//! - throughput = `B × output / cycle`; TTFT = the mean wait of a wave's prompts through its
//!   mixed steps; TPOT = the mean round.
//! - under a steady load (`Arrivals::Steady`) a fraction of the steps carry the arriving
//!   prompts (whole, or chunks within the budget) and the rest decode only; TTFT is half a round
//!   plus the rounds that carry the prompt, TPOT the mean round, and the cycle one sequence's
//!   `output` rounds.

use serde::{Deserialize, Serialize};

use crate::engines::{EngineProfile, Heuristic};
use chipmodel_catalog::Chip;

/// What an engine's scheduler does with one replica's batch, and what it delivers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Sequences running at once on one replica.
    pub sequences_per_replica: f64,
    /// Micro-batches in flight (one per pipeline stage, at most one per sequence).
    pub microbatches: u32,
    /// Sequences per micro-batch.
    pub sequences_per_microbatch: f64,
    /// Tokens one step may carry (the engine's budget for this run).
    pub token_budget: f64,
    /// Whether prompts are split over steps (`false`: whole prompts only).
    pub chunked_prefill: bool,
    /// Prompt tokens in each mixed step.
    pub prefill_tokens_per_mixed_step: f64,
    /// Decode tokens in each mixed step.
    pub decode_tokens_per_mixed_step: f64,
    /// Steps per wave that carry prefill, per micro-batch.
    pub mixed_steps: f64,
    /// Steps per wave that only decode, per micro-batch.
    pub decode_steps: f64,
    /// One mixed step of one micro-batch on one stage, host time included, s.
    pub mixed_step_s: f64,
    /// One decode-only step of one micro-batch on one stage, host time included, s.
    pub decode_step_s: f64,
    /// Host time per micro-batch per stage (scheduling, launch), s; hidden behind the device
    /// where the engine overlaps them.
    pub host_s: f64,
    /// Whether the host time is overlapped with the device's.
    pub host_overlapped: bool,
    /// One pipeline send between stages in a decode-only step, s (0 without pipeline stages).
    pub pp_send_s: f64,
    /// Time per wave no stage computes: micro-batch imbalance and sends on the critical path, s.
    pub bubble_s: f64,
    /// One wave: every micro-batch from its first prompt token to its last output token, s.
    pub cycle_s: f64,
    /// Mean time to first token of a wave's requests, s.
    pub ttft_s: f64,
    /// Mean time per output token, s.
    pub tpot_s: f64,
    /// Output tokens per second of one replica.
    pub replica_throughput_tokens_per_s: f64,
}

/// How requests reach the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Arrivals {
    /// All at once, with the same lengths (an offline benchmark): the batch runs in waves,
    /// prompts first.
    Waves,
    /// Steadily, as many starting as finishing (a server under load): every step decodes the
    /// running sequences and prefills the prompts of those replacing the finished ones.
    Steady,
}

/// The engine limits a schedule runs under, resolved for a chip, a layout and the lengths.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineLimits {
    /// How requests arrive.
    pub arrivals: Arrivals,
    /// Tokens per step.
    pub token_budget: f64,
    /// Chunked prefill.
    pub chunked_prefill: bool,
    /// Host time overlapped with device time.
    pub overlap: bool,
}

impl EngineLimits {
    /// The limits of `profile` on `chip` for `pp` stages and these lengths, where the engine
    /// admits `kv_fit` sequences per replica at most and the model's context is `context`
    /// tokens (budget heuristics read them); `None` for a profile without a token budget (the
    /// ideal bound).
    pub fn of(
        profile: &EngineProfile,
        chip: &Chip,
        pp: u32,
        kv_fit: f64,
        context: f64,
        input: f64,
        output: f64,
    ) -> Option<EngineLimits> {
        let budget = profile.max_num_tokens.as_ref()?;
        let ceiling = f64::from(budget.for_chip(chip));
        let token_budget = match budget.heuristic {
            None => ceiling,
            Some(Heuristic::TrtllmBench) => {
                let cap = profile
                    .max_sequences
                    .as_ref()
                    .map_or(f64::INFINITY, |m| f64::from(m.for_chip(chip)));
                let per_micro = kv_fit.min(cap) / f64::from(pp.max(1));
                let raw = (per_micro * (1.0 + input / output)).min(ceiling);
                let step = if raw < 4096.0 {
                    256.0
                } else if raw < 8192.0 {
                    512.0
                } else {
                    1024.0
                };
                ((raw / step).ceil() * step).max(2048.0)
            }
            Some(Heuristic::ModelContext) => context.max(ceiling),
        };
        Some(EngineLimits {
            arrivals: Arrivals::Waves,
            token_budget,
            chunked_prefill: profile.chunked_prefill.as_ref().is_none_or(|f| f.value),
            overlap: profile.overlap_scheduler.as_ref().is_some_and(|f| f.value),
        })
    }

    /// One stage's step: its share of the device time through every stage plus the host time of
    /// scheduling it, or the larger of the two where the engine overlaps them.
    fn stage_s(&self, device_s: f64, pp: u32, host_s: f64) -> f64 {
        let d = device_s / f64::from(pp);
        if self.overlap {
            d.max(host_s)
        } else {
            d + host_s
        }
    }
}

/// The steady state of a micro-batch under a load: decode and prefill tokens per step.
///
/// Prompts arrive at `decode / output` per step. A step that takes prompts carries `chunk`
/// prompt tokens (whole prompts where chunking is off, else as much of the waiting prompts as
/// the budget leaves beside the decode tokens), so a fraction `prefill / chunk` of the steps
/// carry prefill and the rest decode only; a prompt needs `⌈input / chunk⌉` such steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Steady {
    pub microbatches: u32,
    pub micro: f64,
    /// Sequences decoding each step (fewer than `micro` when the budget binds).
    pub decode: f64,
    /// Mean prompt tokens prefilled per step.
    pub prefill: f64,
    /// Prompt tokens in a step that carries prefill.
    pub chunk: f64,
    /// Steps one prompt's prefill takes.
    pub prompt_steps: f64,
    pub chunked: bool,
}

impl Steady {
    /// As many requests start as finish: `prefill / input = decode / output`, within the
    /// token budget.
    pub(crate) fn new(
        seqs: f64,
        pp: u32,
        input: f64,
        output: f64,
        limits: &EngineLimits,
    ) -> Steady {
        let microbatches = (f64::from(pp)).min(seqs.max(1.0)) as u32;
        let micro = (seqs / f64::from(microbatches)).ceil().max(1.0);
        let t = limits.token_budget;
        let decode = micro.min(t / (1.0 + input / output));
        let prefill = decode * input / output;
        let chunked = limits.chunked_prefill || input > t;
        let chunk = if chunked {
            prefill.max(input).min((t - decode).max(1.0))
        } else {
            // Whole prompts: as many as arrive per step, at least one.
            (prefill / input).ceil().max(1.0) * input
        };
        Steady {
            microbatches,
            micro,
            decode,
            prefill,
            chunk,
            prompt_steps: (input / chunk).ceil().max(1.0),
            chunked,
        }
    }

    /// Fraction of a micro-batch's steps that carry prefill.
    pub(crate) fn prefill_fraction(&self) -> f64 {
        (self.prefill / self.chunk).min(1.0)
    }

    /// The schedule from the device time, through every stage, of one micro-batch's step that
    /// carries prefill and of one that decodes only, the host time per step and one send.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn schedule(
        &self,
        pp: u32,
        limits: &EngineLimits,
        prefill_device_s: f64,
        decode_device_s: f64,
        host_s: f64,
        send_s: f64,
        output: f64,
    ) -> Schedule {
        let ppf = f64::from(pp);
        let (tp, td) = (
            limits.stage_s(prefill_device_s, pp, host_s),
            limits.stage_s(decode_device_s, pp, host_s),
        );
        let f = self.prefill_fraction();
        let mean = f * tp + (1.0 - f) * td;
        let m = f64::from(self.microbatches);
        let send = if pp > 1 { send_s } else { 0.0 };
        // The slowest micro-batch of a round carries prefill when any of them does.
        let any = 1.0 - (1.0 - f).powf(m);
        let slowest = any * tp + (1.0 - any) * td;
        let round = (m * mean).max(ppf * (slowest + send));
        // The round in which a prompt's own micro-batch carries its chunk.
        let prompt_round = ((m - 1.0) * mean + tp).max(ppf * (tp + send));
        Schedule {
            sequences_per_replica: self.micro * m,
            microbatches: self.microbatches,
            sequences_per_microbatch: self.micro,
            token_budget: limits.token_budget,
            chunked_prefill: self.chunked,
            prefill_tokens_per_mixed_step: self.chunk,
            decode_tokens_per_mixed_step: self.decode,
            mixed_steps: f * output,
            decode_steps: (1.0 - f) * output,
            mixed_step_s: tp,
            decode_step_s: td,
            host_s,
            host_overlapped: limits.overlap,
            pp_send_s: send,
            bubble_s: (round - m * mean) * output,
            cycle_s: round * output,
            // A new prompt waits half a round for the next step, then its chunks' rounds.
            ttft_s: 0.5 * round + self.prompt_steps * prompt_round,
            tpot_s: round,
            replica_throughput_tokens_per_s: m * self.decode / round,
        }
    }
}

/// The shape of a wave: how a micro-batch's prompts spread over its steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Wave {
    pub microbatches: u32,
    pub micro: f64,
    pub prefill_tokens: f64,
    pub decode_in_mixed: f64,
    pub mixed_steps: f64,
    pub decode_steps: f64,
    pub chunked: bool,
}

impl Wave {
    /// The wave of `seqs` sequences per replica over `pp` stages under `limits`.
    pub(crate) fn new(seqs: f64, pp: u32, input: f64, output: f64, limits: &EngineLimits) -> Wave {
        let microbatches = (f64::from(pp)).min(seqs.max(1.0)) as u32;
        let micro = (seqs / f64::from(microbatches)).ceil().max(1.0);
        let t = limits.token_budget;
        // A prompt longer than the budget can only run chunked.
        let chunked = limits.chunked_prefill || input > t;
        let room = (t - micro).max(1.0);
        let prefill_tokens = if chunked {
            room
        } else {
            (room / input).floor().max(1.0) * input
        }
        .min(micro * input);
        let mixed_steps = (micro * input / prefill_tokens).ceil();
        let (decode_in_mixed, decode_steps) = if mixed_steps >= output {
            (micro * output / mixed_steps, 0.0)
        } else {
            (
                (micro - prefill_tokens / input).max(0.0),
                output - mixed_steps,
            )
        };
        Wave {
            microbatches,
            micro,
            prefill_tokens,
            decode_in_mixed,
            mixed_steps,
            decode_steps,
            chunked,
        }
    }

    /// The schedule from the device time of one mixed and one decode-only step of a
    /// micro-batch through every stage (all layers), the host time per step and one send.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn schedule(
        &self,
        pp: u32,
        limits: &EngineLimits,
        mixed_device_s: f64,
        decode_device_s: f64,
        host_s: f64,
        sends_s: (f64, f64),
        output: f64,
    ) -> Schedule {
        let ppf = f64::from(pp);
        let (tm, td) = (
            limits.stage_s(mixed_device_s, pp, host_s),
            limits.stage_s(decode_device_s, pp, host_s),
        );
        let m = f64::from(self.microbatches);
        let (send_mixed, send) = if pp > 1 { sends_s } else { (0.0, 0.0) };
        let rounds = self.mixed_steps.max(output);
        // Micro-batches take their mixed steps in turn (the scheduler fills one, then the next).
        let mixed_rounds = rounds.min(m * self.mixed_steps);
        let per_round = m * self.mixed_steps / mixed_rounds.max(1.0);
        let mixed_round =
            (per_round * tm + (m - per_round).max(0.0) * td).max(ppf * (tm + send_mixed));
        let decode_round = (m * td).max(ppf * (td + send));
        let cycle = mixed_rounds * mixed_round + (rounds - mixed_rounds) * decode_round;
        let busy = m * (self.mixed_steps * tm + (rounds - self.mixed_steps) * td);
        let ttft = (self.mixed_steps + 1.0) / 2.0 * mixed_round;
        Schedule {
            sequences_per_replica: self.micro * m,
            microbatches: self.microbatches,
            sequences_per_microbatch: self.micro,
            token_budget: limits.token_budget,
            chunked_prefill: self.chunked,
            prefill_tokens_per_mixed_step: self.prefill_tokens,
            decode_tokens_per_mixed_step: self.decode_in_mixed,
            mixed_steps: self.mixed_steps,
            decode_steps: self.decode_steps,
            mixed_step_s: tm,
            decode_step_s: td,
            host_s,
            host_overlapped: limits.overlap,
            pp_send_s: send,
            bubble_s: (cycle - busy).max(0.0),
            cycle_s: cycle,
            ttft_s: ttft,
            tpot_s: cycle / rounds,
            replica_throughput_tokens_per_s: self.micro * m * output / cycle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Arrivals, EngineLimits, Steady, Wave};

    const LIMITS: EngineLimits = EngineLimits {
        arrivals: Arrivals::Waves,
        token_budget: 8192.0,
        chunked_prefill: true,
        overlap: false,
    };

    #[test]
    fn one_stage_has_no_bubble_and_the_cycle_adds_its_steps() {
        let w = Wave::new(256.0, 1, 1024.0, 1024.0, &LIMITS);
        // 256 prompts of 1,024 tokens through 8,192 − 256 tokens a step: 34 mixed steps.
        assert_eq!(w.mixed_steps, 34.0);
        assert_eq!(w.decode_steps, 990.0);
        let s = w.schedule(1, &LIMITS, 0.05, 0.02, 0.001, (0.0, 0.0), 1024.0);
        assert_eq!(s.bubble_s, 0.0);
        let cycle = 34.0 * 0.051 + 990.0 * 0.021;
        assert!((s.cycle_s - cycle).abs() < 1e-9, "{}", s.cycle_s);
        assert!((s.replica_throughput_tokens_per_s - 256.0 * 1024.0 / cycle).abs() < 1e-6);
    }

    #[test]
    fn pipeline_stages_pay_imbalance_and_sends() {
        let w = Wave::new(256.0, 4, 1024.0, 1024.0, &LIMITS);
        assert_eq!((w.microbatches, w.micro), (4, 64.0));
        let s = w.schedule(4, &LIMITS, 0.2, 0.08, 0.001, (1e-4, 1e-4), 1024.0);
        assert!(s.bubble_s > 0.0);
        // Without imbalance or sends the stages would be busy the whole cycle.
        let busy = s.cycle_s - s.bubble_s;
        assert!(busy > 0.0 && s.bubble_s / s.cycle_s < 0.5, "{s:?}");
    }

    #[test]
    fn whole_prompts_only_when_chunking_is_off() {
        let off = EngineLimits {
            chunked_prefill: false,
            ..LIMITS
        };
        let w = Wave::new(64.0, 1, 3000.0, 100.0, &off);
        // (8192 − 64) / 3000 = 2 whole prompts a step.
        assert_eq!(w.prefill_tokens, 6000.0);
        assert_eq!(w.mixed_steps, 32.0);
        // A prompt longer than the budget runs chunked whatever the setting.
        assert!(Wave::new(4.0, 1, 20_000.0, 100.0, &off).chunked);
    }

    #[test]
    fn a_prefill_bound_wave_has_no_decode_only_steps() {
        let w = Wave::new(1024.0, 1, 4096.0, 16.0, &LIMITS);
        assert!(w.mixed_steps >= 16.0 && w.decode_steps == 0.0);
        assert!((w.decode_in_mixed - 1024.0 * 16.0 / w.mixed_steps).abs() < 1e-9);
    }

    #[test]
    fn under_a_steady_load_a_whole_prompt_takes_its_own_step() {
        let off = EngineLimits {
            arrivals: Arrivals::Steady,
            chunked_prefill: false,
            ..LIMITS
        };
        // 17 sequences at 1024/128: 17/128 of a prompt arrives per step, so about one step in
        // 7.5 carries a whole 1,024-token prompt and the rest decode only.
        let st = Steady::new(17.0, 1, 1024.0, 128.0, &off);
        assert_eq!((st.decode, st.chunk, st.prompt_steps), (17.0, 1024.0, 1.0));
        assert!((st.prefill_fraction() - 17.0 / 128.0).abs() < 1e-12);
        // A prompt step of 0.10 s and decode steps of 0.02 s (host 1 ms, not overlapped).
        let s = st.schedule(1, &off, 0.10, 0.02, 0.001, 0.0, 128.0);
        let mean = 17.0 / 128.0 * 0.101 + (1.0 - 17.0 / 128.0) * 0.021;
        assert!((s.tpot_s - mean).abs() < 1e-12, "{s:?}");
        // TTFT: half a round's wait, then the whole prompt's step — never less than that step.
        assert!((s.ttft_s - (0.5 * mean + 0.101)).abs() < 1e-12, "{s:?}");
        assert!((s.replica_throughput_tokens_per_s - 17.0 / mean).abs() < 1e-9);
        // Chunked, within the budget beside the decode tokens: 8,192 − 17 ≥ 1,024, so still one
        // step, but a 20,000-token prompt takes three.
        let on = EngineLimits {
            chunked_prefill: true,
            ..off
        };
        assert_eq!(Steady::new(17.0, 1, 1024.0, 128.0, &on).prompt_steps, 1.0);
        assert_eq!(Steady::new(4.0, 1, 20_000.0, 128.0, &on).prompt_steps, 3.0);
    }
}
