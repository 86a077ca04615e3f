namespace Engine.Scheduling;

/// <summary>
/// The runner's answer to a <see cref="SchedulerOutput"/>: the token sampled for each scheduled request, in the
/// same order, with its log-probability under the final distribution; <see cref="NotSampled"/> where the request
/// ran only part of its prompt, <see cref="NoTokenLeft"/> where the samplers removed every token.
/// </summary>
public sealed class ModelRunnerOutput(int maxSeqs)
{
    /// <summary>The request computed a prompt chunk and sampled nothing.</summary>
    public const int NotSampled = -1;

    /// <summary>Every token was removed (samplers.md §3.7 rule 2): finish with "stop", append nothing.</summary>
    public const int NoTokenLeft = -2;

    private readonly int[] _sampled = new int[maxSeqs];
    private readonly float[] _logprobs = new float[maxSeqs];

    public int Count { get; private set; }

    public ReadOnlySpan<int> SampledTokenIds => _sampled.AsSpan(0, Count);

    public ReadOnlySpan<float> Logprobs => _logprobs.AsSpan(0, Count);

    public void Reset(int count)
    {
        Count = count;
        _sampled.AsSpan(0, count).Fill(NotSampled);
        _logprobs.AsSpan(0, count).Clear();
    }

    public void Set(int index, int tokenId, float logprob = 0f)
    {
        _sampled[index] = tokenId;
        _logprobs[index] = logprob;
    }
}
