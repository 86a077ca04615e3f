using Engine.Backends.Cuda;
using Engine.Generation;
using Engine.Model;
using Engine.Output;
using Engine.Sampling;
using Engine.Tests.Lora;
using Engine.Tests.Model;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// The whole forward pass on the CUDA backend (ILGPU's CPU accelerator: the check device) against the CPU backend:
/// logits of mixed prefill/decode steps on random models of every architecture the engine runs, greedy tokens
/// through the engine on aidreams260K (the real tiny model in ../shared) and a random GQA model, prompt logprobs,
/// and a LoRA batch mixing base rows with two adapters. Both backends compute in float32 and differ only in
/// summation order (GEMV lanes, warp sums, an online softmax): logits agree to ~1e-6 relative, so the tolerance
/// is 1e-4 · (1 + |z|), far below any real slip (a wrong row, head or block moves logits by O(0.1–1)). One
/// exception, by design: with bf16/f16 weights a step of more than 8 rows runs the tensor-core GEMM, which rounds
/// the activations to the weights' type (as vLLM's are); those models' tolerance is twice the type's unit
/// roundoff, 2u · (1 + |z|) (u = 2⁻⁸ for bf16, 2⁻¹¹ for f16), still an order below a real slip.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class CudaEndToEndTests(CudaKernelFixture fixture)
{
    private const float Tolerance = 1e-4f;

    // See the summary: float32 throughout, or activations rounded to 16 bits in prefill products.
    private static float ToleranceFor(DType dtype) => dtype switch
    {
        DType.BF16 => 2f / 256,
        DType.F16 => 2f / 2048,
        _ => Tolerance,
    };

    public static TheoryData<string, DType> Models() => new()
    {
        { "gqa-untied", DType.F32 },
        { "mqa", DType.F32 },
        { "qwen2-bias", DType.F32 },
        { "qwen3-qknorm", DType.F32 },
        { "llama3-rope", DType.F32 },
        { "gqa-head128", DType.F32 },
        { "gqa-untied", DType.BF16 },
        { "llama-tied", DType.F16 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Logits_MatchCpuBackend_OverPrefillAndDecodeSteps(string shape, DType dtype)
    {
        var config = ModelShapes.Get(shape);
        var weights = RandomWeights.Create(config, seed: 3, dtype);
        using var cpu = new ModelHarness(config, weights, maxTokens: 16, maxSeqs: 2);
        using var gpu = new ModelHarness(config, weights, maxTokens: 16, maxSeqs: 2, backend: new CudaBackend(fixture.Context));
        (int, int[])[][] steps =
        [
            [(0, [1, 5, 9, 2, 7, 3, 11]), (1, [4, 4, 8, 6, 2])],   // two prompts, 7 and 5 rows across 4-token blocks
            [(0, [12]), (1, [13])],
            [(1, [14]), (2, [3, 1, 2])],                           // a decode beside a new prompt
        ];   // (each step costs ~7 s on the check device: three cover prefill, decode and their mix)
        foreach (var step in steps)
        {
            var expected = cpu.Step(step);
            var actual = gpu.Step(step);
            for (var s = 0; s < expected.Length; s++)
            {
                AssertClose(expected[s], actual[s], $"{shape} {dtype}, sequence {step[s].Item1}", ToleranceFor(dtype));
                Assert.Equal(ModelHarness.ArgMax(expected[s]), ModelHarness.ArgMax(actual[s]));
            }
        }
    }

    [Fact]
    public async Task GreedyTokens_EqualCpuBackend_OnAidreams260K_ThroughTheCheckDevice()
    {
        using var checkpoint = Aidreams260KModel.Open();
        var prompts = new[] { new[] { 1, 403, 407, 261 }, new[] { 1, 365, 1 % 512, 272, 263, 300 } };
        var options = new EngineOptions { Threads = 1, MaxNumSeqs = 2, BlockSize = 16 };
        using var cpu = LlmEngine.Create(checkpoint.Config, checkpoint.Weights, options);
        using var check = LlmEngine.Create(checkpoint.Config, checkpoint.Weights, options with { Device = EngineDevice.Check });
        Assert.StartsWith("check", check.BackendName, StringComparison.Ordinal);

        // 6 tokens: each decode step of the real model costs ~5 s on the check device
        var expected = await Task.WhenAll(prompts.Select(p => Generate(cpu, p, 6)));
        var actual = await Task.WhenAll(prompts.Select(p => Generate(check, p, 6)));

        Assert.Equal(expected, actual);
        Assert.All(actual, tokens => Assert.Equal(6, tokens.Count));
    }

    [Fact]
    public async Task GreedyTokens_EqualCpuBackend_OnARandomGqaModel_WithBatchedRequests()
    {
        var config = ModelShapes.Get("gqa-untied");
        var weights = RandomWeights.Create(config, seed: 9);
        var options = new EngineOptions { Threads = 1, MaxNumSeqs = 3, BlockSize = 4, MaxNumBatchedTokens = 8 };
        using var cpu = LlmEngine.Create(config, weights, options);
        using var gpu = LlmEngine.Create(config, weights, new CudaBackend(fixture.Context), options);
        int[][] prompts = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [7, 7], [30, 20, 10, 5, 1]];

        var expected = await Task.WhenAll(prompts.Select(p => Generate(cpu, p, 8)));
        var actual = await Task.WhenAll(prompts.Select(p => Generate(gpu, p, 8)));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task PromptLogprobs_MatchCpuBackend_WithChunkedPrefill()
    {
        var config = ModelShapes.Get("qwen3-qknorm");
        var weights = RandomWeights.Create(config, seed: 4);
        var options = new EngineOptions { Threads = 1, MaxNumSeqs = 2, BlockSize = 4, MaxNumBatchedTokens = 8 };
        using var cpu = LlmEngine.Create(config, weights, options);
        using var gpu = LlmEngine.Create(config, weights, new CudaBackend(fixture.Context), options);
        int[] prompt = [.. Enumerable.Range(0, 13).Select(i => (i * 7 + 3) % config.VocabSize)];
        var sampling = new SamplingParams { Temperature = 0f, PromptLogprobs = 2, IgnoreEos = true }.Validate();

        var expected = await PromptLogprobs(cpu, prompt, sampling);
        var actual = await PromptLogprobs(gpu, prompt, sampling);

        Assert.Equal(prompt.Length, actual.Count);
        Assert.Null(actual[0]);
        for (var p = 1; p < prompt.Length; p++)
        {
            var (e, a) = (expected[p]!, actual[p]!);
            Assert.Equal(e.TokenId, a.TokenId);
            // log-softmax errors are at most twice the logits'
            Assert.Equal(e.Logprob, a.Logprob, 2 * Tolerance * (1 + Math.Abs(e.Logprob)));
            Assert.Equal(e.Top.Select(t => t.TokenId), a.Top.Select(t => t.TokenId));
        }
    }

    [Fact]
    public void LoraMixedBatch_MatchesCpuBackend_BaseAndTwoAdaptersInOneStep()
    {
        using var adapters = new TwoRandomAdapters(seedA: 5, seedB: 6);
        var c = adapters.Checkpoint;
        LoraAdapterSetFactory Set() => backend =>
        {
            var set = new Engine.Lora.LoraAdapterSet(c.Config, backend, maxRank: 4);
            set.Add(adapters.A);
            set.Add(adapters.B);
            return set;
        };
        using var cpu = new ModelHarness(c.Config, c.Weights, maxTokens: 16, maxSeqs: 3, adapters: Set().Invoke);
        using var gpu = new ModelHarness(c.Config, c.Weights, maxTokens: 16, maxSeqs: 3, adapters: Set().Invoke, backend: new CudaBackend(fixture.Context));
        (int, int[], int, float)[][] steps =
        [
            [(0, [1, 40, 50, 60], -1, 0f), (1, [1, 70, 80], 0, 1f), (2, [1, 90, 100, 110, 120], 1, -0.5f)],
            [(0, [61], -1, 0f), (1, [81], 0, 1f), (2, [121], 1, -0.5f)],
            [(1, [82], 1, 2f), (2, [122], 1, -0.5f)],   // two sequences of one adapter: one segment
        ];
        foreach (var step in steps)
        {
            var expected = cpu.Step(step);
            var actual = gpu.Step(step);
            for (var s = 0; s < expected.Length; s++)
            {
                AssertClose(expected[s], actual[s], $"LoRA sequence {step[s].Item1} (adapter {step[s].Item3})");
            }
        }
    }

    private delegate Engine.Lora.LoraAdapterSet LoraAdapterSetFactory(Engine.Backends.IBackend backend);

    [Fact]
    public void CudaDevice_IsUsedWhenPresent_AndOtherwiseRefusedSayingWhy()
    {
        var weights = RandomWeights.Create(ModelShapes.Get("mqa"), seed: 1);
        if (Kernels.KernelContext.TryCreateCuda(out var probe, out _))
        {
            probe.Dispose();
            using var backend = LlmEngine.CreateBackend(new EngineOptions { Device = EngineDevice.Cuda }, weights);
            Assert.IsType<CudaBackend>(backend);
            return;
        }
        var e = Assert.Throws<NotSupportedException>(() => LlmEngine.CreateBackend(new EngineOptions { Device = EngineDevice.Cuda }, weights));
        Assert.Contains("CUDA is not available", e.Message, StringComparison.Ordinal);
        using var auto = LlmEngine.CreateBackend(new EngineOptions { Device = EngineDevice.Auto, Threads = 1 }, weights);
        Assert.IsType<Engine.Backends.Cpu.CpuBackend>(auto);
    }

    private static void AssertClose(float[] expected, float[] actual, string what, float tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}, logit {i}: CPU {expected[i]}, CUDA backend {actual[i]}");
        }
    }

    private static async Task<List<int>> Generate(LlmEngine engine, int[] prompt, int maxTokens)
    {
        var tokens = new List<int>();
        await foreach (var output in engine.GenerateAsync(new EngineRequest(prompt, GenerationRequest.Greedy with { IgnoreEos = true }, maxTokens)))
        {
            tokens.AddRange(output.TokenIds);
        }
        return tokens;
    }

    private static async Task<IReadOnlyList<PromptLogprob?>> PromptLogprobs(LlmEngine engine, int[] prompt, SamplingParams sampling)
    {
        IReadOnlyList<PromptLogprob?>? result = null;
        await foreach (var output in engine.GenerateAsync(new EngineRequest(prompt, sampling, 2)))
        {
            result ??= output.PromptLogprobs;
        }
        return result!;
    }
}
