using Engine.Generation;
using Engine.Model;

namespace Engine.Tests.Generation;

public sealed class BuiltinModelTests
{
    [Fact]
    public void Weights_AreDeterministic_AndBindToTheConfig()
    {
        var a = BuiltinModel.CreateWeights();
        var b = BuiltinModel.CreateWeights();
        a.TryGet("model.layers.3.mlp.down_proj.weight", out var ta);
        b.TryGet("model.layers.3.mlp.down_proj.weight", out var tb);
        Assert.Equal(ta.ToFloats(), tb.ToFloats());
        var bound = LlamaWeights.Bind(BuiltinModel.Config, a);
        Assert.Equal(4, bound.Layers.Count);
        Assert.Contains("RANDOM", BuiltinModel.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GreedyGeneration_IsReproducible()
    {
        using var engine = LlmEngine.Create(BuiltinModel.Config, BuiltinModel.CreateWeights(), new EngineOptions { Threads = 2 });
        var prompt = BuiltinModel.CreateTokenizer().Encode("Hello", addSpecialTokens: true);
        async Task<int[]> Run()
        {
            var ids = new List<int>();
            await foreach (var o in engine.GenerateAsync(new GenerationRequest(prompt, 16)))
            {
                ids.Add(o.TokenId);
            }
            return [.. ids];
        }
        var first = await Run();
        Assert.Equal(16, first.Length);
        Assert.Equal(first, await Run());
    }
}
