using System.Numerics.Tensors;

namespace Engine.Backends.Cpu;

/// <summary>
/// The per-row element-wise steps of a layer (residual add + RMSNorm, RMSNorm, SwiGLU) split over the worker pool
/// in chunks of 16 rows when a batch is large enough to pay for the hand-off (a prefill); each row runs the same
/// function as the single-threaded path, so results are identical bit for bit.
/// </summary>
internal sealed class RowwiseOps : IParallelJob
{
    /// <summary>Below this many rows (a decode step) the caller's thread runs the rows itself.</summary>
    public const int MinParallelRows = 32;

    private const int RowsPerChunk = 16;

    private enum Op
    {
        AddRmsNorm,
        RmsNorm,
        SwiGlu,
    }

    private Op _op;
    private CpuBuffer _a = null!;
    private CpuBuffer? _b;
    private CpuBuffer? _output;
    private float[] _weight = [];
    private float _eps;
    private int _rows;
    private float[][] _scratch = [];

    /// <summary>x[r] += delta[r] (when given), then output[r] = rmsnorm(x[r]) ⊙ weight; returns the chunk count.</summary>
    public int PrepareNorm(CpuBuffer x, CpuBuffer? delta, float[] weight, float eps, CpuBuffer output, int rows)
    {
        _op = delta is null ? Op.RmsNorm : Op.AddRmsNorm;
        _a = x;
        _b = delta;
        _weight = weight;
        _eps = eps;
        _output = output;
        _rows = rows;
        return Chunks(rows);
    }

    /// <summary>gate[r] = silu(gate[r]) ⊙ up[r], through one scratch row per worker; returns the chunk count.</summary>
    public int PrepareSwiGlu(CpuBuffer gate, CpuBuffer up, int rows, float[][] scratch)
    {
        _op = Op.SwiGlu;
        _a = gate;
        _b = up;
        _rows = rows;
        _scratch = scratch;
        return Chunks(rows);
    }

    private static int Chunks(int rows) => (rows + RowsPerChunk - 1) / RowsPerChunk;

    public void Execute(int chunk, int worker)
    {
        var end = Math.Min(_rows, (chunk + 1) * RowsPerChunk);
        for (var r = chunk * RowsPerChunk; r < end; r++)
        {
            Row(r, worker);
        }
    }

    /// <summary>One row of the prepared op (also the caller's loop for small batches).</summary>
    public void Row(int r, int worker)
    {
        switch (_op)
        {
            case Op.AddRmsNorm:
                TensorPrimitives.Add(_a.Row(r), _b!.Row(r), _a.Row(r));
                RmsNorm.Row(_a.Row(r), _weight, _eps, _output!.Row(r));
                break;
            case Op.RmsNorm:
                RmsNorm.Row(_a.Row(r), _weight, _eps, _output!.Row(r));
                break;
            default:
                SwiGlu.Row(_a.Row(r), _b!.Row(r), _scratch[worker]);
                break;
        }
    }
}
