namespace Loader.Safetensors;

/// <summary>One validated header entry: the tensor and its byte range [Begin, End) in the data section.</summary>
internal sealed record SafetensorsHeaderEntry(SafetensorsTensorInfo Info, long Begin, long End);
