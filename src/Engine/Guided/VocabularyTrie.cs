namespace Engine.Guided;

/// <summary>
/// The vocabulary's token byte strings as a prefix trie laid out in preorder, so the mask walk is one forward
/// pass: node n's subtree is [n, <see cref="SubtreeEnd"/>[n]), and skipping a dead subtree is one jump. Tokens
/// sharing a prefix share its nodes, so that prefix is matched once per step.
/// </summary>
internal sealed class VocabularyTrie
{
    public VocabularyTrie(IReadOnlyList<byte[]?> tokenBytes)
    {
        var order = Enumerable.Range(0, tokenBytes.Count)
            .Where(id => tokenBytes[id] is { Length: > 0 })
            .OrderBy(id => tokenBytes[id]!, ByteStringComparer.Instance)
            .ThenBy(id => id)
            .ToArray();
        var nodeByte = new List<byte>();
        var depth = new List<int>();
        var end = new List<int>();
        var tokenStart = new List<int>();
        var tokens = new List<int>();
        var path = new List<int>(); // node id at each depth of the current path
        byte[] previous = [];
        foreach (var id in order)
        {
            var bytes = tokenBytes[id]!;
            var common = 0;
            while (common < bytes.Length && common < previous.Length && common < path.Count && bytes[common] == previous[common])
            {
                common++;
            }
            // close the nodes of the previous path below the common prefix
            while (path.Count > common)
            {
                end[path[^1]] = nodeByte.Count;
                path.RemoveAt(path.Count - 1);
            }
            for (var d = common; d < bytes.Length; d++)
            {
                path.Add(nodeByte.Count);
                nodeByte.Add(bytes[d]);
                depth.Add(d + 1);
                end.Add(0);
                tokenStart.Add(tokens.Count);
            }
            // sorted order puts a token right after its node's creation (or its duplicate), so the tokens
            // ending at a node are contiguous and start where the node's TokenStart points
            tokens.Add(id);
            previous = bytes;
        }
        while (path.Count > 0)
        {
            end[path[^1]] = nodeByte.Count;
            path.RemoveAt(path.Count - 1);
        }
        tokenStart.Add(tokens.Count);
        NodeByte = [.. nodeByte];
        Depth = [.. depth];
        SubtreeEnd = [.. end];
        TokenStart = [.. tokenStart];
        TokenIds = [.. tokens];
        MaxDepth = depth.Count == 0 ? 0 : depth.Max();
    }

    public byte[] NodeByte { get; }

    /// <summary>1 for a child of the (implicit) root.</summary>
    public int[] Depth { get; }

    public int[] SubtreeEnd { get; }

    /// <summary>Tokens whose bytes end exactly at node n are <c>TokenIds[TokenStart[n] .. TokenStart[n + 1])</c>.</summary>
    public int[] TokenStart { get; }

    public int[] TokenIds { get; }

    public int NodeCount => NodeByte.Length;

    public int MaxDepth { get; }

    private sealed class ByteStringComparer : IComparer<byte[]>
    {
        public static readonly ByteStringComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
