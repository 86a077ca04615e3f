namespace ConvertTool.Gguf;

/// <summary>GGUF metadata value types (gguf.h <c>gguf_type</c>); only the ones the writer emits.</summary>
internal enum GgufValueType : uint
{
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
}
