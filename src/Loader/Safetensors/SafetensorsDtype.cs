namespace Loader.Safetensors;

/// <summary>
/// The element types of the safetensors format, declared in the format's own order of increasing alignment
/// (the order Hugging Face's writer sorts by, descending, before sorting by name).
/// </summary>
public enum SafetensorsDtype
{
    Bool,
    U8,
    I8,
    F8E5M2,
    F8E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}
