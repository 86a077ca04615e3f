namespace Loader.Safetensors;

/// <summary>
/// Receives a safetensors file's tensors piece by piece from <see cref="SafetensorsStreamReader"/>: every
/// tensor in data-offset order, each as <see cref="BeginTensor"/>, zero or more chunks, <see cref="EndTensor"/>.
/// </summary>
public interface ISafetensorsChunkSink
{
    void BeginTensor(SafetensorsTensorInfo tensor);

    /// <summary>
    /// The bytes [offsetInTensor, offsetInTensor + chunk.Length) of the tensor. Chunks always hold whole
    /// elements (a multiple of the dtype size). The span is only valid during the call.
    /// </summary>
    void WriteChunk(SafetensorsTensorInfo tensor, long offsetInTensor, ReadOnlySpan<byte> chunk);

    void EndTensor(SafetensorsTensorInfo tensor);
}
