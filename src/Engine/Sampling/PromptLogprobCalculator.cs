using System.Numerics.Tensors;
using Engine.Output;

namespace Engine.Sampling;

/// <summary>
/// Prompt logprobs (samplers.md §10): for the logits row at prompt position p, the raw log_softmax (never the
/// processed distribution), read at the prompt's token p + 1. Runs only for requests that ask, on the core thread;
/// its scratch is sized once for the vocabulary.
/// </summary>
public sealed class PromptLogprobCalculator(int vocabSize)
{
    private readonly float[] _logprobs = new float[vocabSize];
    private readonly float[] _probs = new float[vocabSize];
    private readonly SamplerWorkspace _workspace = new(vocabSize);

    /// <summary>The logprob, rank and top <paramref name="k"/> alternatives of <paramref name="tokenId"/> under log_softmax(<paramref name="logits"/>).</summary>
    public PromptLogprob Compute(ReadOnlySpan<float> logits, int tokenId, int k)
    {
        var logprobs = _logprobs.AsSpan(0, logits.Length);
        TokenLogprobs.LogSoftmax(logits, logprobs);
        var logprob = logprobs[tokenId];
        var rank = 1;
        foreach (var x in logprobs)
        {
            rank += x > logprob ? 1 : 0;
        }
        TokenLogprob[] top = [];
        if (k > 0)
        {
            // order by probability (ties by id), then report the exact log_softmax values
            TensorPrimitives.Exp(logprobs, _probs);
            top = new TokenLogprob[Math.Min(k, logits.Length)];
            TokenLogprobs.Top(_probs, top, _workspace);
            for (var i = 0; i < top.Length; i++)
            {
                top[i] = top[i] with { Logprob = logprobs[top[i].TokenId] };
            }
        }
        return new PromptLogprob(tokenId, logprob, rank, top);
    }
}
