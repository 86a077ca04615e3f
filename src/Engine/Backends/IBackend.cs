using Engine.Execution;
using Engine.Model;

namespace Engine.Backends;

/// <summary>
/// The operations of a Llama-family forward pass, each one GPU kernel (or one CPU routine). The model is written
/// once against this interface. Shapes are (rows, cols) with rows = tokens of the current <see cref="ForwardBatch"/>;
/// every op on a batch reads only its first <c>rows</c> rows. Ops run in call order (one stream).
/// </summary>
public interface IBackend : IDisposable
{
    string Name { get; }

    /// <summary>Uploads a [rows, cols] (or 1-D [cols]) tensor, keeping its dtype.</summary>
    IDeviceWeight LoadWeight(WeightTensor tensor);

    /// <summary>
    /// Frees a weight of <see cref="LoadWeight"/> before the backend is disposed (merged LoRA copies are replaced
    /// while serving); the weight must not be used afterwards. Weights never released are freed with the backend.
    /// </summary>
    void ReleaseWeight(IDeviceWeight weight);

    IDeviceBuffer AllocateBuffer(int maxRows, int cols);

    IDeviceKvCache AllocateKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim);

    /// <param name="invFreq">(head_dim / 2) rotary inverse frequencies.</param>
    /// <param name="attentionScale">Multiplies cos and sin (yarn's mscale; 1 otherwise).</param>
    IDeviceRopeTable CreateRopeTable(ReadOnlySpan<double> invFreq, double attentionScale, int maxPositions);

    /// <summary>Makes the step's metadata (positions, slots, block tables) visible to the kernels that follow.</summary>
    void BeginStep(ForwardBatch batch);

    /// <summary>x[r] = table[batch.TokenIds[r]]. table (vocab, dim), x (tokens, dim).</summary>
    void Embedding(IDeviceWeight table, ForwardBatch batch, IDeviceBuffer x);

    /// <summary>output[r] = x[r] / sqrt(mean(x[r]²) + eps) ⊙ weight, for rows r &lt; rows.</summary>
    void RmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows);

    /// <summary>Fused residual add and norm: x[r] += delta[r]; output[r] = rmsnorm(x[r]) ⊙ weight.</summary>
    void AddRmsNorm(IDeviceBuffer x, IDeviceBuffer delta, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows);

    /// <summary>In place per-head norm (Qwen3 q/k norm): each head_dim slice of x's rows is RMS-normalised and scaled by weight (head_dim).</summary>
    void HeadRmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, int rows);

    /// <summary>output[r] = weight · input[r] (+ bias). weight (n, k), input (rows, k), output (rows, n).</summary>
    void MatMul(IDeviceBuffer input, IDeviceWeight weight, IDeviceWeight? bias, IDeviceBuffer output, int rows);

    /// <summary>
    /// <see cref="MatMul(IDeviceBuffer, IDeviceWeight, IDeviceWeight?, IDeviceBuffer, int)"/> for two or three
    /// weights sharing one input (q/k/v, gate/up), in one pass where the backend can fuse them; the results equal
    /// separate calls. <paramref name="third"/> is skipped when its weight is null (default).
    /// </summary>
    void MatMul(IDeviceBuffer input, int rows, MatMulTarget first, MatMulTarget second, MatMulTarget third = default);

    /// <summary>
    /// LoRA shrink (punica's SGMV shrink) for one adapter segment: shrunk[r][j] = Σ_i a[j, i] · input[r][i] for
    /// rows <paramref name="rowStart"/> ≤ r &lt; <paramref name="rowEnd"/> and j &lt; rank. a (rank, k) float32,
    /// input (tokens, k), shrunk (tokens, ≥ rank); columns of shrunk past rank and rows outside the segment are
    /// left as they are. Each row's result depends only on that row (a batch changes no bits).
    /// </summary>
    void LoraShrink(IDeviceBuffer input, IDeviceWeight a, IDeviceBuffer shrunk, int rowStart, int rowEnd);

    /// <summary>
    /// LoRA expand (punica's SGMV expand) for one adapter segment: output[r][o] += scale · m_r · Σ_j shrunk[r][j] ·
    /// bT[j, o], with m_r = batch.RowLoraMultipliers[r], for rows <paramref name="rowStart"/> ≤ r &lt;
    /// <paramref name="rowEnd"/>. bT (rank, n) float32 is lora_B transposed; shrunk (tokens, ≥ rank), output
    /// (tokens, n). The sum over j is formed first and scaled once, as <c>LoraMerge</c> scales B·A.
    /// </summary>
    void LoraExpand(IDeviceBuffer shrunk, IDeviceWeight bT, float scale, ForwardBatch batch, IDeviceBuffer output, int rowStart, int rowEnd);

    /// <summary>Rotate-half RoPE in place on q (tokens, n_heads·head_dim) and k (tokens, n_kv_heads·head_dim) at batch.Positions.</summary>
    void Rope(IDeviceBuffer q, IDeviceBuffer k, IDeviceRopeTable table, ForwardBatch batch, int headDim);

    /// <summary>Writes k and v (tokens, n_kv_heads·head_dim) of layer <paramref name="layer"/> to batch.SlotMapping.</summary>
    void StoreKv(IDeviceBuffer k, IDeviceBuffer v, IDeviceKvCache cache, int layer, ForwardBatch batch);

    /// <summary>
    /// Causal attention over the paged cache: for row r of sequence s at position p, each query head j attends
    /// to keys 0..p of KV head j / (n_heads / n_kv_heads) through s's block table:
    /// out = Σ softmax(q·k / sqrt(head_dim)) v. q and output (tokens, n_heads·head_dim).
    /// </summary>
    void PagedAttention(IDeviceBuffer q, IDeviceKvCache cache, int layer, ForwardBatch batch, int numHeads, IDeviceBuffer output);

    /// <summary>gate[r] = silu(gate[r]) ⊙ up[r], silu(x) = x / (1 + e^−x). (rows, hidden)</summary>
    void SwiGlu(IDeviceBuffer gate, IDeviceBuffer up, int rows);

    /// <summary>
    /// output[i] = x[batch.LogitsIndices[first + i]] for i &lt; count: a window of the rows whose logits are wanted
    /// (a step with prompt logprobs wants more rows than the logits buffer holds, so they go window by window).
    /// </summary>
    void GatherLogitRows(IDeviceBuffer x, ForwardBatch batch, int first, int count, IDeviceBuffer output);

    /// <summary>Copies the first <paramref name="rows"/> rows of <paramref name="buffer"/> to host memory.</summary>
    void CopyToHost(IDeviceBuffer buffer, int rows, Span<float> destination);
}
