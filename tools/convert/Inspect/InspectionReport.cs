namespace ConvertTool.Inspect;

/// <summary>What <c>convert inspect</c> found: the format, every tensor, and the totals.</summary>
public sealed record InspectionReport(string Path, string Format, IReadOnlyList<InspectedTensor> Tensors)
{
    /// <summary>Sum of element counts over all listed tensors.</summary>
    public long ParameterCount => Tensors.Sum(t => t.Elements);

    public long TotalBytes => Tensors.Sum(t => t.Bytes);
}
