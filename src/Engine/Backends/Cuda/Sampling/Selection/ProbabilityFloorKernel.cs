using Engine.Sampling;
using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// The probability-floor samplers (TOP_A, MIN_P, ETA_CUTOFF, EPSILON_CUTOFF: remove p_i &lt; θ, never the argmax) on
/// the device, one generic kernel as the CPU's <c>ProbabilityFloor.Apply</c>; θ comes from the CPU's own
/// <see cref="IProbabilityFloor"/> structs, so the formula exists once (eta's is restated in float32, see there).
/// </summary>
public static class ProbabilityFloorKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> TopAEntry = Kernel<TopAStage>;

    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> MinPEntry = Kernel<MinPStage>;

    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> EtaEntry = Kernel<EtaStage>;

    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> EpsilonEntry = Kernel<EpsilonStage>;

    /// <summary>Which row parameter feeds a floor, and the CPU floor it is.</summary>
    public interface IStage
    {
        static abstract float Parameter(in RowSamplingParams p);

        static abstract bool NeedsEntropy { get; }

        static abstract float Floor(float parameter, float maxProbability, double entropy);
    }

    public readonly struct TopAStage : IStage
    {
        public static float Parameter(in RowSamplingParams p) => p.TopA;

        public static bool NeedsEntropy => TopA.NeedsEntropy;

        public static float Floor(float parameter, float maxProbability, double entropy) => TopA.Floor(parameter, maxProbability, entropy);
    }

    public readonly struct MinPStage : IStage
    {
        public static float Parameter(in RowSamplingParams p) => p.MinP;

        public static bool NeedsEntropy => MinP.NeedsEntropy;

        public static float Floor(float parameter, float maxProbability, double entropy) => MinP.Floor(parameter, maxProbability, entropy);
    }

    public readonly struct EtaStage : IStage
    {
        public static float Parameter(in RowSamplingParams p) => p.EtaCutoff;

        public static bool NeedsEntropy => EtaCutoff.NeedsEntropy;

        // EtaCutoff.Floor's θ = min(η, √η·e^(−H)) in float32: its double Math.Exp is a software CORDIC with a stack
        // frame in ILGPU's PTX (~1e−7 relative on θ).
        public static float Floor(float parameter, float maxProbability, double entropy)
        {
            var eta = parameter * 1e-4f;
            return XMath.Min(eta, XMath.Sqrt(eta) * XMath.Exp((float)-entropy));
        }
    }

    public readonly struct EpsilonStage : IStage
    {
        public static float Parameter(in RowSamplingParams p) => p.EpsilonCutoff;

        public static bool NeedsEntropy => EpsilonCutoff.NeedsEntropy;

        public static float Floor(float parameter, float maxProbability, double entropy) => EpsilonCutoff.Floor(parameter, maxProbability, entropy);
    }

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">(rows, vocab) scratch: the row's softmax.</param>
    public static void Kernel<TStage>(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
        where TStage : struct, IStage
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        if (!RowMath.Softmax(logits, probs, start, vocab))
        {
            return;
        }
        var top = RowMath.ArgMax(probs, start, vocab);
        var maxProbability = probs[start + top];
        if (maxProbability <= 0f)
        {
            return;
        }
        var entropy = TStage.NeedsEntropy ? RowMath.Entropy(probs, start, vocab) : 0.0;
        var theta = TStage.Floor(TStage.Parameter(parameters[row]), maxProbability, entropy);
        RowMath.RemoveBelow(logits, probs, start, vocab, theta, top);
    }
}
