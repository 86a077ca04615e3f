using System.Numerics.Tensors;
using Engine.Sampling;

namespace Engine.Generation;

/// <summary>
/// Samples from softmax(logits / T) with a seeded generator (T ≤ 0 falls back to greedy). A minimal stand-in for
/// the CLI and tests until the real SamplerChain is plugged in.
/// </summary>
public sealed class SimpleTemperatureSampler(float temperature, int seed) : ISequenceSampler
{
    private readonly Random _random = new(seed);
    private readonly GreedySampler _greedy = new();

    public int Sample(Span<float> logits, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds)
    {
        if (temperature <= 0)
        {
            return _greedy.Sample(logits, promptTokenIds, outputTokenIds);
        }
        TensorPrimitives.Divide(logits, temperature, logits);
        TensorPrimitives.SoftMax(logits, logits);
        // inverse CDF: the first index where the running sum passes u
        var u = (float)_random.NextDouble();
        var cumulative = 0f;
        for (var i = 0; i < logits.Length; i++)
        {
            cumulative += logits[i];
            if (u < cumulative)
            {
                return i;
            }
        }
        return logits.Length - 1;
    }
}
