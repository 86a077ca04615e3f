using System.Diagnostics.CodeAnalysis;

namespace Engine.Backends.Cpu;

/// <summary>Throws kept out of the kernels' loops so they stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void TokenOutOfRange(int token, int vocab) =>
        throw new ArgumentOutOfRangeException(nameof(token), token, $"Token id {token} is outside the vocabulary (0..{vocab - 1}).");

    [DoesNotReturn]
    public static void PositionOutOfRange(int position, int maxPositions) =>
        throw new ArgumentOutOfRangeException(nameof(position), position, $"Position {position} is beyond the model's context ({maxPositions}).");

    [DoesNotReturn]
    public static void ShapeMismatch(string weight, int rows, int cols, int inputCols, int outputCols) =>
        throw new InvalidOperationException(
            $"MatMul with '{weight}' [{rows}, {cols}]: input has {inputCols} columns and output {outputCols}.");

    [DoesNotReturn]
    public static void LoraShapeMismatch(string weight, int rows, int cols, int inputCols, int outputCols, int rowStart, int rowEnd) =>
        throw new InvalidOperationException(
            $"LoRA op with '{weight}' [{rows}, {cols}] (float32 expected): input has {inputCols} columns and output {outputCols}, rows {rowStart}..{rowEnd}.");
}
