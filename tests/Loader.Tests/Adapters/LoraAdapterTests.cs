using Loader.Adapters;
using static Loader.Tests.Adapters.LoraAdapterFiles;

namespace Loader.Tests.Adapters;

public sealed class LoraAdapterTests
{
    [Fact]
    public void ReadsModules_OrderedByLayerThenProjection_WithPeftScale()
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson(r: 4, alpha: 8),
            A(1, "self_attn.v_proj", 4, 16), B(1, "self_attn.v_proj", 8, 4),
            A(0, "self_attn.v_proj", 4, 16), B(0, "self_attn.v_proj", 8, 4),
            A(0, "self_attn.q_proj", 4, 16), B(0, "self_attn.q_proj", 16, 4));

        using var adapter = LoraAdapter.Open(dir.Path);

        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj", "model.layers.1.self_attn.v_proj"],
            adapter.Modules.Select(m => m.ModuleName));
        var q = adapter.Modules[0];
        Assert.Equal((LoraProjection.Q, 0, 4, 16, 16), (q.Projection, q.Layer, q.Rank, q.InFeatures, q.OutFeatures));
        Assert.Equal(2.0, q.Scale); // alpha / r = 8 / 4
    }

    [Fact]
    public void ScaleIsAlphaOverSqrtRank_WhenRsLora()
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson(r: 16, alpha: 8, extra: ", \"use_rslora\": true"),
            A(0, "self_attn.q_proj", 16, 16), B(0, "self_attn.q_proj", 16, 16));

        using var adapter = LoraAdapter.Open(dir.Path);

        Assert.Equal(2.0, adapter.Modules[0].Scale); // 8 / sqrt(16)
    }

    [Fact]
    public void RankAndAlphaPatterns_OverrideDefaults_ForMatchingModulesOnly()
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson(r: 4, alpha: 8, targets: """["q_proj", "down_proj"]""",
                extra: """, "rank_pattern": {"layers.1.mlp.down_proj": 2}, "alpha_pattern": {"down_proj": 6}"""),
            A(0, "mlp.down_proj", 4, 12), B(0, "mlp.down_proj", 16, 4),
            A(1, "mlp.down_proj", 2, 12), B(1, "mlp.down_proj", 16, 2),
            A(1, "self_attn.q_proj", 4, 16), B(1, "self_attn.q_proj", 16, 4));

        using var adapter = LoraAdapter.Open(dir.Path);

        var byName = adapter.Modules.ToDictionary(m => m.ModuleName);
        Assert.Equal((4, 1.5), (byName["model.layers.0.mlp.down_proj"].Rank, byName["model.layers.0.mlp.down_proj"].Scale)); // 6 / 4
        Assert.Equal((2, 3.0), (byName["model.layers.1.mlp.down_proj"].Rank, byName["model.layers.1.mlp.down_proj"].Scale)); // 6 / 2
        Assert.Equal((4, 2.0), (byName["model.layers.1.self_attn.q_proj"].Rank, byName["model.layers.1.self_attn.q_proj"].Scale)); // 8 / 4
    }

    [Theory]
    [InlineData("q_proj", true)]
    [InlineData("model.layers.0.self_attn.q_proj", true)]
    [InlineData("_proj", false)] // a list entry matches a whole name segment, not a substring
    [InlineData("k_proj", false)]
    public void ListTargets_MatchWholeNameOrDottedSuffix(string target, bool expected)
    {
        var config = new LoraAdapterConfig { Rank = 1, Alpha = 1, TargetModules = [target] };

        Assert.Equal(expected, config.Targets("model.layers.0.self_attn.q_proj", 0));
    }

    [Theory]
    [InlineData(@".*\.(q|v)_proj", "model.layers.3.self_attn.v_proj", true)]
    [InlineData(@"q_proj", "model.layers.3.self_attn.q_proj", false)] // a string target must match the whole name
    [InlineData(@".*layers\.3\..*_proj", "model.layers.13.mlp.up_proj", false)]
    public void RegexTarget_MustMatchTheWholeName(string regex, string module, bool expected)
    {
        var config = new LoraAdapterConfig { Rank = 1, Alpha = 1, TargetRegex = regex };

        Assert.Equal(expected, config.Targets(module, 3));
    }

    [Fact]
    public void LayersToTransform_LimitsTargets()
    {
        var config = new LoraAdapterConfig { Rank = 1, Alpha = 1, TargetModules = ["q_proj"], LayersToTransform = new HashSet<int> { 2 } };

        Assert.True(config.Targets("model.layers.2.self_attn.q_proj", 2));
        Assert.False(config.Targets("model.layers.1.self_attn.q_proj", 1));
    }

    [Fact]
    public void Throws_WhenRankDisagreesWithConfig()
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson(r: 4), A(0, "self_attn.q_proj", 3, 16), B(0, "self_attn.q_proj", 16, 3));

        var e = Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path));

        Assert.Contains("model.layers.0.self_attn.q_proj", e.Message);
        Assert.Contains("rank", e.Message);
    }

    [Fact]
    public void Throws_WhenBIsMissing()
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson(), A(0, "self_attn.q_proj", 4, 16));

        var e = Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path));

        Assert.Contains("no lora_B", e.Message);
    }

    [Fact]
    public void Throws_WhenModuleIsNotTargeted()
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson(targets: """["q_proj"]"""), A(0, "self_attn.k_proj", 4, 16), B(0, "self_attn.k_proj", 4, 4));

        var e = Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path));

        Assert.Contains("self_attn.k_proj", e.Message);
        Assert.Contains("target_modules", e.Message);
    }

    [Theory]
    [InlineData("base_model.model.model.layers.0.self_attn.q_proj.lora_embedding_A")]
    [InlineData("base_model.model.model.layers.0.self_attn.gate_proj.lora_A.weight")]
    [InlineData("base_model.model.lm_head.lora_A.weight")]
    public void Throws_NamingTheTensor_WhenItIsNotASupportedLoraWeight(string name)
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson(targets: "\".*\""), (name, [4, 16]));

        var e = Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path));

        Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData(""", "use_dora": true""", "use_dora")]
    [InlineData(""", "modules_to_save": ["lm_head"]""", "modules_to_save")]
    [InlineData(""", "peft_type": "IA3" """, "peft_type")]
    public void Throws_NamingTheField_WhenConfigAsksForUnsupportedFeature(string extra, string field)
    {
        using var dir = new TempDirectory();
        var json = ConfigJson(extra: extra).Replace("\"peft_type\": \"LORA\", ", extra.Contains("peft_type") ? "" : "\"peft_type\": \"LORA\", ");
        Write(dir.Path, json, A(0, "self_attn.q_proj", 4, 16), B(0, "self_attn.q_proj", 16, 4));

        var e = Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path));

        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Throws_WhenBiasIsNotNone()
    {
        using var dir = new TempDirectory();
        Write(dir.Path, ConfigJson().Replace("\"bias\": \"none\"", "\"bias\": \"all\""), A(0, "self_attn.q_proj", 4, 16), B(0, "self_attn.q_proj", 16, 4));

        var e = Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path));

        Assert.Contains("'bias'", e.Message);
    }

    [Fact]
    public void Throws_WhenFilesAreMissing()
    {
        using var dir = new TempDirectory();

        Assert.Contains("adapter_config.json", Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path)).Message);

        File.WriteAllText(Path.Combine(dir.Path, "adapter_config.json"), ConfigJson());
        Assert.Contains("adapter_model.safetensors", Assert.Throws<LoraFormatException>(() => LoraAdapter.Open(dir.Path)).Message);
    }

    [Fact]
    public void Throws_WhenRankIsMissingOrTargetsAreNotStrings()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "adapter_config.json"), """{"lora_alpha": 8, "target_modules": ["q_proj"]}""");
        Assert.Contains("'r'", Assert.Throws<LoraFormatException>(() => LoraAdapterConfig.Load(dir.Path)).Message);

        File.WriteAllText(Path.Combine(dir.Path, "adapter_config.json"), """{"r": 8, "target_modules": [1, 2]}""");
        Assert.Contains("target_modules", Assert.Throws<LoraFormatException>(() => LoraAdapterConfig.Load(dir.Path)).Message);
    }
}
