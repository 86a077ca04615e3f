using System.Text.Json;
using Engine.Sampling;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// <c>engine samplers --device cuda|check</c>: <see cref="SamplingProbe.ProcessedDistribution"/>'s one decoding step,
/// run by <see cref="DeviceSamplerChain"/> on <paramref name="context"/>'s accelerator instead of the CPU chain,
/// with the same RNG identity (the request's seed or 0, choice 0, step = history length) and μ = 2τ.
/// </summary>
public static class DeviceSamplingProbe
{
    /// <exception cref="NotSupportedException">The request needs a stage the device chain does not run (named).</exception>
    public static float[] ProcessedDistribution(KernelContext context, float[] logits, JsonElement requestBody, IReadOnlyList<int> history)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(history);
        var p = SamplingParams.FromJson(requestBody, new SamplingLimits { VocabSize = logits.Length });
        var row = RowSamplingParams.From(p, p.Seed ?? 0, 0, history.Count, 2f * p.MirostatTau, 0);
        using var chain = new DeviceSamplerChain(context, 1, logits.Length);
        using var stream = context.CreateStream();
        using var device = context.Accelerator.Allocate1D(logits);
        chain.Run(stream, device.View, [row]);
        var probs = new float[logits.Length];
        chain.Probabilities.SubView(0, logits.Length).CopyToCPU(stream, probs);
        stream.Synchronize();
        return probs;
    }
}
