using System.Text.Json;
using Engine.Backends.Cuda.Sampling.Penalties;
using Engine.Backends.Cuda.Sampling.Selection;
using Engine.Sampling;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Sampling;

/// <summary>
/// <c>engine samplers --device cuda|check</c>: <see cref="SamplingProbe.ProcessedDistribution"/>'s one decoding step,
/// run by the device chain (<see cref="DevicePenalties"/> joined to <see cref="DeviceSamplerChain"/>, as the engine
/// runs it) on <paramref name="context"/>'s accelerator instead of the CPU chain, with the same RNG identity (the
/// request's seed or 0, choice 0, step = history length) and μ = 2τ. The prompt goes to the device once and the
/// history one token per step, as a sequence's would.
/// </summary>
public static class DeviceSamplingProbe
{
    /// <exception cref="NotSupportedException">The request needs what the device chain cannot hold (named).</exception>
    /// <exception cref="ArgumentException">A list exceeds the device's capacity, or an id lies outside the vocabulary (named).</exception>
    public static float[] ProcessedDistribution(KernelContext context, float[] logits, JsonElement requestBody, IReadOnlyList<int> prompt,
        IReadOnlyList<int> history, IReadOnlyList<int> eos)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(eos);
        var vocab = logits.Length;
        var p = SamplingParams.FromJson(requestBody, new SamplingLimits { VocabSize = vocab });
        var sampler = SequenceSampler.Create(p, new SamplerSetup(vocab, eos), p.Seed ?? 0, 0);
        if (sampler.IsGuided)
        {
            throw new NotSupportedException("guided decoding: the probe has no tokenizer; run the request through the engine.");
        }
        var row = RowSamplingParams.From(sampler.Params, sampler.Seed, 0, history.Count, sampler.MirostatMu, 0, guided: false);
        using var stream = context.CreateStream();
        using var penalties = new DevicePenalties(context, 1, vocab, prompt.Count + history.Count + 1);
        using var stages = new PenaltyStages(context, penalties);
        using var chain = new DeviceSamplerChain(context, 1, vocab) { LogitStages = stages };
        penalties.BeginRequest(stream, 0, [.. prompt], PenaltyRequest.From(sampler.Chain));
        penalties.ReplayHistories(stream, [0], [[.. history]]);
        using var device = context.Accelerator.Allocate1D(logits);
        chain.Run(stream, device.View, [row]);
        var probs = new float[vocab];
        chain.Probabilities.SubView(0, vocab).CopyToCPU(stream, probs);
        stream.Synchronize();
        return probs;
    }
}
