namespace Engine.Scheduling;

/// <summary>
/// The runner's answer to a <see cref="SchedulerOutput"/>: the token sampled for each scheduled request, in the
/// same order, with its log-probability under the final distribution; <see cref="NotSampled"/> where the request
/// ran only part of its prompt, <see cref="NoTokenLeft"/> where the samplers removed every token, <see cref="Failed"/>
/// where processing that one request threw (the exception is kept for it, see <see cref="ErrorOf"/>).
/// </summary>
public sealed class ModelRunnerOutput(int maxSeqs)
{
    /// <summary>The request computed a prompt chunk and sampled nothing.</summary>
    public const int NotSampled = -1;

    /// <summary>Every token was removed (samplers.md §3.7 rule 2): finish with "stop", append nothing.</summary>
    public const int NoTokenLeft = -2;

    /// <summary>Processing this request threw: it finishes with the error, the rest of the batch goes on.</summary>
    public const int Failed = -3;

    private readonly int[] _sampled = new int[maxSeqs];
    private readonly float[] _logprobs = new float[maxSeqs];
    private readonly Exception?[] _errors = new Exception?[maxSeqs];

    public int Count { get; private set; }

    public ReadOnlySpan<int> SampledTokenIds => _sampled.AsSpan(0, Count);

    public ReadOnlySpan<float> Logprobs => _logprobs.AsSpan(0, Count);

    public void Reset(int count)
    {
        Count = count;
        _sampled.AsSpan(0, count).Fill(NotSampled);
        _logprobs.AsSpan(0, count).Clear();
        _errors.AsSpan(0, count).Clear();
    }

    /// <summary>Sets entry <paramref name="index"/>; an entry already <see cref="Failed"/> stays failed.</summary>
    public void Set(int index, int tokenId, float logprob = 0f)
    {
        if (_sampled[index] == Failed)
        {
            return;
        }
        _sampled[index] = tokenId;
        _logprobs[index] = logprob;
    }

    /// <summary>Marks entry <paramref name="index"/> <see cref="Failed"/> with its cause (the first cause wins).</summary>
    public void Fail(int index, Exception error)
    {
        if (_sampled[index] != Failed)
        {
            _sampled[index] = Failed;
            _errors[index] = error;
        }
    }

    /// <summary>Why entry <paramref name="index"/> failed; null unless it is <see cref="Failed"/>.</summary>
    public Exception? ErrorOf(int index) => _errors[index];
}
