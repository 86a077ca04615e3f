using Loader.Safetensors;

namespace ConvertTool.Llama2c;

/// <summary>Inputs of <c>convert llama2c</c>: the checkpoint, its tokenizer.bin, the output directory and the weight dtype.</summary>
public sealed record Llama2cConversionOptions(string Checkpoint, string Tokenizer, string OutputDirectory, SafetensorsDtype Dtype = SafetensorsDtype.F32);
