using Engine.Sampling;

namespace Engine.Generation;

/// <summary>
/// argmax over the logits, the first index winning ties (llama2.c's greedy). A minimal stand-in until the
/// SamplerChain from Engine/Sampling is plugged in through <see cref="GenerationRequest.SamplerFactory"/>.
/// </summary>
public sealed class GreedySampler : ISequenceSampler
{
    public int Sample(Span<float> logits, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }
        return best;
    }
}
