namespace Kernels;

/// <summary>
/// One PTX parameter of a compiled kernel, in entry order. A view argument contributes two: its pointer
/// (8 bytes) then its length (4 bytes); a struct argument one per scalar field, depth first.
/// </summary>
/// <param name="PtxName">The name in the PTX .entry signature.</param>
/// <param name="Kind">Pointer or scalar.</param>
/// <param name="SizeBytes">The .param size: 8 for pointers and 64-bit scalars, 4 for 32-bit, 2 for 16-bit floats.</param>
/// <param name="ArgumentIndex">Which argument of the kernel method this flattens.</param>
/// <param name="FieldPath">Struct fields from that argument down to this scalar (empty for a scalar argument).</param>
public sealed record KernelParameter(string PtxName, KernelParameterKind Kind, int SizeBytes, int ArgumentIndex, IReadOnlyList<string> FieldPath);
