namespace Engine.Guided;

/// <summary>
/// The matcher's parse stacks as hash-consed persistent lists: node = (grammar position, parent node), where a
/// parent holds the position to resume at once the child's rule ends. Interning makes content-equal stacks the
/// same id, so a set of stacks is deduplicated by id and ambiguous grammars cannot multiply copies of one stack.
/// Nodes above <see cref="Count"/> are discarded scratch; lookups verify content, so stale table slots are harmless
/// and are dropped at the next rehash. Grows (allocates) only when a new high-water mark is reached.
/// </summary>
internal sealed class StackArena
{
    /// <summary>Hard cap on live nodes: past it a state counts as dead rather than exhausting memory.</summary>
    public const int MaxNodes = 1 << 22;

    private int[] _pos = new int[256];
    private int[] _parent = new int[256];
    private int[] _table = new int[1024]; // node id + 1, 0 = empty
    private int _used;

    public int Count { get; private set; }

    public bool Overflowed { get; set; }

    public int Pos(int node) => _pos[node];

    public int Parent(int node) => _parent[node];

    /// <summary>Forgets every node at or above <paramref name="count"/> (the scratch of one mask computation).</summary>
    public void Truncate(int count) => Count = count;

    public void Clear()
    {
        Count = 0;
        Array.Clear(_table);
        _used = 0;
        Overflowed = false;
    }

    /// <summary>The id of node (pos, parent), created if absent; −1 (and <see cref="Overflowed"/>) past <see cref="MaxNodes"/>.</summary>
    public int Intern(int pos, int parent)
    {
        var mask = _table.Length - 1;
        var h = Hash(pos, parent) & mask;
        while (true)
        {
            var e = _table[h];
            if (e == 0)
            {
                break;
            }
            var id = e - 1;
            if (id < Count && _pos[id] == pos && _parent[id] == parent)
            {
                return id;
            }
            h = (h + 1) & mask;
        }
        if (Count == MaxNodes)
        {
            Overflowed = true;
            return -1;
        }
        if (Count == _pos.Length)
        {
            Array.Resize(ref _pos, _pos.Length * 2);
            Array.Resize(ref _parent, _parent.Length * 2);
        }
        var node = Count++;
        _pos[node] = pos;
        _parent[node] = parent;
        _table[h] = node + 1;
        if (++_used * 2 > _table.Length)
        {
            Rehash();
        }
        return node;
    }

    private void Rehash()
    {
        var size = _table.Length;
        while (Count * 4 > size)
        {
            size *= 2;
        }
        if (size == _table.Length)
        {
            Array.Clear(_table);
        }
        else
        {
            _table = new int[size];
        }
        var mask = size - 1;
        for (var id = 0; id < Count; id++)
        {
            var h = Hash(_pos[id], _parent[id]) & mask;
            while (_table[h] != 0)
            {
                h = (h + 1) & mask;
            }
            _table[h] = id + 1;
        }
        _used = Count;
    }

    private static int Hash(int pos, int parent) => (int)(((uint)pos * 0x9E3779B1u) ^ ((uint)parent * 0x85EBCA77u) ^ ((uint)parent >> 15));
}
