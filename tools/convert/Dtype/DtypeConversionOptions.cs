using Loader.Safetensors;

namespace ConvertTool.Dtype;

/// <summary>Inputs of <c>convert dtype</c>: a Hugging Face directory, where to write the copy, and the float dtype.</summary>
public sealed record DtypeConversionOptions(string InputDirectory, string OutputDirectory, SafetensorsDtype Dtype);
