namespace Loader.Safetensors;

/// <summary>Sizes and header spellings of <see cref="SafetensorsDtype"/>.</summary>
public static class SafetensorsDtypes
{
    private static readonly string[] Names =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    /// <summary>Bytes per element: 1 for BOOL, U8, I8 and both FP8 kinds; 2, 4 or 8 for the rest.</summary>
    public static int SizeOf(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.Bool or SafetensorsDtype.U8 or SafetensorsDtype.I8
            or SafetensorsDtype.F8E5M2 or SafetensorsDtype.F8E4M3 => 1,
        SafetensorsDtype.I16 or SafetensorsDtype.U16 or SafetensorsDtype.F16 or SafetensorsDtype.BF16 => 2,
        SafetensorsDtype.I32 or SafetensorsDtype.U32 or SafetensorsDtype.F32 => 4,
        SafetensorsDtype.F64 or SafetensorsDtype.I64 or SafetensorsDtype.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>The spelling in the JSON header, e.g. <c>"BF16"</c>, <c>"F8_E4M3"</c>.</summary>
    public static string HeaderName(SafetensorsDtype dtype) => Names[(int)dtype];

    /// <summary>Parses a header spelling (exact, case-sensitive as the format defines it).</summary>
    public static bool TryParse(string name, out SafetensorsDtype dtype)
    {
        var index = Array.IndexOf(Names, name);
        dtype = (SafetensorsDtype)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>All header spellings, for error messages.</summary>
    public static string SupportedList => string.Join(", ", Names);

    /// <summary>True for F16, BF16, F32 and F64: the dtypes a dtype conversion rewrites.</summary>
    public static bool IsFloatingPoint(SafetensorsDtype dtype) =>
        dtype is SafetensorsDtype.F16 or SafetensorsDtype.BF16 or SafetensorsDtype.F32 or SafetensorsDtype.F64;
}
