namespace Engine.Scheduling;

/// <summary>
/// The runner's answer to a <see cref="SchedulerOutput"/>: the token sampled for each scheduled request, in the
/// same order, or −1 where the request ran only part of its prompt and sampled nothing.
/// </summary>
public sealed class ModelRunnerOutput(int maxSeqs)
{
    private readonly int[] _sampled = new int[maxSeqs];

    public int Count { get; private set; }

    public ReadOnlySpan<int> SampledTokenIds => _sampled.AsSpan(0, Count);

    public void Reset(int count)
    {
        Count = count;
        _sampled.AsSpan(0, count).Fill(-1);
    }

    public void Set(int index, int tokenId) => _sampled[index] = tokenId;
}
