using ILGPU;

namespace Kernels.Language;

/// <summary>
/// The CPU meaning of ldmatrix: row r of matrix m starts at the index lane 8m + r supplied (fetched with a
/// shuffle, so every lane must call with its own row index). Lane l receives row l/4, elements 2(l%4) and
/// 2(l%4)+1; transposed, it receives column l/4, rows 2(l%4) and 2(l%4)+1.
/// </summary>
internal static class LdMatrixOnCpu
{
    public static UInt2 X2(ArrayView<ushort> shared, int rowIndex, bool transpose) =>
        new(Word(shared, rowIndex, 0, transpose), Word(shared, rowIndex, 1, transpose));

    public static UInt4 X4(ArrayView<ushort> shared, int rowIndex, bool transpose) =>
        new(Word(shared, rowIndex, 0, transpose), Word(shared, rowIndex, 1, transpose), Word(shared, rowIndex, 2, transpose), Word(shared, rowIndex, 3, transpose));

    public static uint Word(ArrayView<ushort> shared, int rowIndex, int matrix, bool transpose)
    {
        var lane = Warp.LaneIdx;
        var pair = 2 * (lane & 3);
        var line = lane >> 2;
        // Every lane shuffles for every row it might need, so all 32 lanes take part in each shuffle.
        var rowA = Warp.Shuffle(rowIndex, (8 * matrix) + (transpose ? pair : line));
        var rowB = Warp.Shuffle(rowIndex, (8 * matrix) + (transpose ? pair + 1 : line));
        uint lo = transpose ? shared[rowA + line] : shared[rowA + pair];
        uint hi = transpose ? shared[rowB + line] : shared[rowB + pair + 1];
        return lo | (hi << 16);
    }
}
