namespace ConvertTool.Inspect;

/// <summary>One row of <c>convert inspect</c>: a tensor's file, name, dtype, shape, element count and bytes.</summary>
public sealed record InspectedTensor(string File, string Name, string Dtype, IReadOnlyList<long> Shape, long Elements, long Bytes);
