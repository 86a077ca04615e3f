using System.Buffers;
using System.Numerics.Tensors;
using Loader.Safetensors;

namespace Loader.Adapters;

/// <summary>
/// Folds a LoRA delta into a base weight: <c>W' = W + scale · multiplier · (B · A)</c>, computed in float32 and
/// rounded once to the weight's dtype (round-to-nearest-even for F16 and BF16). A multiplier of 0 returns the base
/// bytes unchanged, so "adapter × 0" is bit-for-bit the base model. Used by the engine's runtime merge and by
/// <c>convert merge-lora</c>, so both produce the same bytes.
/// </summary>
public static class LoraMerge
{
    /// <summary>
    /// Writes the merged weight into <paramref name="destination"/> (same size as <paramref name="baseWeight"/>).
    /// <paramref name="baseWeight"/> is <c>(module.OutFeatures, module.InFeatures)</c> elements of <paramref name="dtype"/>.
    /// </summary>
    public static void Merge(ReadOnlySpan<byte> baseWeight, SafetensorsDtype dtype, LoraModule module, double multiplier, Span<byte> destination, string weightName)
    {
        int rows = module.OutFeatures, cols = module.InFeatures, rank = module.Rank;
        var elementSize = SafetensorsDtypes.SizeOf(dtype);
        if (dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16))
        {
            throw new LoraFormatException(weightName, $"cannot merge a LoRA delta into a {SafetensorsDtypes.HeaderName(dtype)} weight; F32, F16 or BF16 only");
        }
        if (baseWeight.Length != (long)rows * cols * elementSize || destination.Length != baseWeight.Length)
        {
            throw new LoraFormatException($"{module.A.FilePath}: module '{module.ModuleName}'",
                $"adapter shape [out {rows}, in {cols}] does not fit base weight '{weightName}' of {baseWeight.Length / elementSize} elements");
        }
        if (multiplier == 0)
        {
            baseWeight.CopyTo(destination);
            return;
        }

        // A (rank, in) and B (out, rank) widened once; each output row is W[o] + s·m·Σ_k B[o,k]·A[k].
        var a = module.A.ToFloat32Array();
        var b = module.B.ToFloat32Array();
        var coefficient = (float)(module.Scale * multiplier);
        var row = ArrayPool<float>.Shared.Rent(cols);
        var delta = ArrayPool<float>.Shared.Rent(cols);
        try
        {
            var w = row.AsSpan(0, cols);
            var d = delta.AsSpan(0, cols);
            for (var o = 0; o < rows; o++)
            {
                d.Clear();
                for (var k = 0; k < rank; k++)
                {
                    TensorPrimitives.MultiplyAdd(a.AsSpan(k * cols, cols), b[o * rank + k], d, d);
                }
                var rowBytes = baseWeight.Slice(o * cols * elementSize, cols * elementSize);
                DtypeConversion.ToFloat32(dtype, rowBytes, w, module.A.FilePath, weightName);
                TensorPrimitives.MultiplyAdd(d, coefficient, w, w);
                DtypeConversion.FromFloat32(w, dtype, destination.Slice(o * cols * elementSize, cols * elementSize), module.A.FilePath, weightName);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(row);
            ArrayPool<float>.Shared.Return(delta);
        }
    }

    /// <summary>The Hugging Face name of the base weight a module adapts, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>.</summary>
    public static string BaseWeightName(LoraModule module) => module.ModuleName + ".weight";
}
