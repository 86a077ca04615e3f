using Loader.Safetensors;

namespace Engine.Model;

/// <summary>
/// Adapts Loader's parsed files to the runtime: safetensors tensors become <see cref="Weights"/> (zero-copy views
/// of the memory-mapped files, dtypes F32/F16/BF16 kept as stored).
/// </summary>
public static class ModelLoader
{
    /// <summary>
    /// Wraps every F32, F16 and BF16 tensor of <paramref name="checkpoint"/>. Tensors of other dtypes are left out
    /// (a required one is then reported missing by <see cref="LlamaWeights.Bind"/>, naming it). The checkpoint
    /// must stay open while the weights are used.
    /// </summary>
    public static unsafe Weights LoadWeights(SafetensorsCheckpoint checkpoint, string source)
    {
        var tensors = new List<WeightTensor>();
        foreach (var tensor in checkpoint.Tensors)
        {
            DType dtype;
            switch (tensor.Dtype)
            {
                case SafetensorsDtype.F32: dtype = DType.F32; break;
                case SafetensorsDtype.F16: dtype = DType.F16; break;
                case SafetensorsDtype.BF16: dtype = DType.BF16; break;
                default: continue;
            }
            var shape = tensor.Shape.Select(d => d <= int.MaxValue
                ? (int)d
                : throw new InvalidDataException($"{tensor.FilePath}: tensor '{tensor.Name}' dimension {d} is too large.")).ToArray();
            var bytes = tensor.Bytes;
            fixed (byte* p = bytes)
            {
                var memory = new MappedTensorMemory(p, bytes.Length, checkpoint);
                tensors.Add(new WeightTensor(tensor.Name, dtype, shape, memory.Memory));
            }
        }
        return new Weights(tensors, source);
    }
}
