namespace ConvertTool.Gguf;

/// <summary>The ggml tensor types <c>convert gguf</c> writes, with ggml's numeric ids (ggml.h <c>ggml_type</c>).</summary>
public enum GgmlType
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
    BF16 = 30,
}
