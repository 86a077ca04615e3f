namespace Engine.Sampling;

/// <summary>
/// Scratch buffers for one vocabulary width, allocated once and reused every step so sampling allocates
/// nothing per token. One workspace may serve many sequences that are sampled one after another on the
/// same thread (the batch loop); parallel samplers need one each. Count arrays are left all-zero after
/// every use.
/// </summary>
public sealed class SamplerWorkspace
{
    public SamplerWorkspace(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        VocabSize = vocabSize;
        Probs = new float[vocabSize];
        Scratch = new float[vocabSize];
        Keys = new ulong[vocabSize];
        SortScratch = new ulong[vocabSize];
        Counts = new int[vocabSize];
    }

    /// <summary>Per-exponent probability mass (<see cref="ExponentBuckets"/>).</summary>
    internal double[] BucketMass { get; } = new double[ExponentBuckets.Count];

    public int VocabSize { get; }

    /// <summary>The current distribution (valid while <see cref="ProbsValid"/>); after a step, the final distribution.</summary>
    internal float[] Probs { get; }

    internal float[] Scratch { get; }

    /// <summary>Sort keys (<see cref="DescendingOrder"/>).</summary>
    internal ulong[] Keys { get; }

    /// <summary>The radix sort's second buffer (<see cref="KeyRadixSort"/>).</summary>
    internal ulong[] SortScratch { get; }

    /// <summary>Per-token counters, zero between uses.</summary>
    internal int[] Counts { get; }

    /// <summary>Whether <see cref="Probs"/> is softmax of the current logits; every logit write must clear it.</summary>
    internal bool ProbsValid { get; set; }

    /// <summary>softmax(ℓ) over alive tokens, recomputed only when the logits changed since the last call.</summary>
    internal Span<float> ProbabilitiesOf(ReadOnlySpan<float> logits)
    {
        if (!ProbsValid)
        {
            Probabilities.Softmax(logits, Probs);
            ProbsValid = true;
        }
        return Probs;
    }
}
