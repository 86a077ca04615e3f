namespace Engine.ChatTemplates.Runtime;

/// <summary>An insertion-ordered Python dict; keys compare with Python equality (1 == 1.0 == True).</summary>
internal sealed class PyDict : OrderedDictionary<object, object?>
{
    public PyDict() : base(PyKeyComparer.Instance) { }

    public PyDict(int capacity) : base(capacity, PyKeyComparer.Instance) { }

    private sealed class PyKeyComparer : IEqualityComparer<object>
    {
        public static readonly PyKeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => PyOps.Equal(x, y);

        public int GetHashCode(object obj) => obj switch
        {
            bool b => (b ? 1.0 : 0.0).GetHashCode(),
            long l => ((double)l).GetHashCode(),
            double d => d.GetHashCode(),
            string s => s.GetHashCode(StringComparison.Ordinal),
            PyTuple t => t.Items.Aggregate(17, (h, item) => (h * 31) + (item is null ? 0 : GetHashCode(item))),
            _ => throw new ChatTemplateException($"TypeError: unhashable type: '{PyRepr.TypeName(obj)}'"),
        };
    }
}
