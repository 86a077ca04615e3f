namespace Engine.Tokenization;

/// <summary>HF's <c>SplitDelimiterBehavior</c>: what happens to a matched delimiter.</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
