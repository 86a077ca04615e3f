namespace Engine.Guided;

/// <summary>A bounded, thread-safe least-recently-used map from a constraint's source to its compiled grammar.</summary>
internal sealed class ConstraintCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, Grammar Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, Grammar Value)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>The cached grammar for <paramref name="key"/>, or <paramref name="compile"/>'s result (cached, evicting the oldest).</summary>
    public Grammar GetOrAdd(string key, Func<Grammar> compile)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var hit))
            {
                _order.Remove(hit);
                _order.AddFirst(hit);
                return hit.Value.Value;
            }
        }
        // compile outside the lock: two racing compilations of one key are harmless (same result)
        var grammar = compile();
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var raced))
            {
                return raced.Value.Value;
            }
            _map[key] = _order.AddFirst((key, grammar));
            if (_map.Count > capacity)
            {
                _map.Remove(_order.Last!.Value.Key);
                _order.RemoveLast();
            }
            return grammar;
        }
    }
}
