namespace Server.Limits;

/// <summary>
/// Timestamps of the requests accepted in the last <see cref="Period"/>; not thread-safe (the owning
/// <see cref="AccountLimitState"/> holds its lock).
/// </summary>
internal sealed class SlidingWindow(TimeSpan period)
{
    private readonly Queue<DateTimeOffset> _accepted = new();

    public TimeSpan Period { get; } = period;

    /// <summary>Requests still inside the window at <paramref name="now"/> (expired ones are dropped).</summary>
    public int Count(DateTimeOffset now)
    {
        while (_accepted.Count > 0 && now - _accepted.Peek() >= Period)
            _accepted.Dequeue();
        return _accepted.Count;
    }

    public void Add(DateTimeOffset now) => _accepted.Enqueue(now);

    /// <summary>Time until the oldest counted request leaves the window (zero when empty).</summary>
    public TimeSpan UntilNextFree(DateTimeOffset now) =>
        _accepted.Count == 0 ? TimeSpan.Zero : _accepted.Peek() + Period - now;
}
