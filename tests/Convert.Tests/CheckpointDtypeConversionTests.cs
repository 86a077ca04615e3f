using System.Text.Json;
using ConvertTool.Dtype;
using ConvertTool.Llama2c;
using Loader.Safetensors;

namespace ConvertTool.Tests;

public sealed class CheckpointDtypeConversionTests
{
    [Fact]
    public async Task Bf16RoundTrip_RoundsToNearestEven_AndWidensBackExactly()
    {
        using var dir = new TempDirectory();
        var f32 = dir.File("f32");
        var bf16 = dir.File("bf16");
        var back = dir.File("back");
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, f32));
        double lastProgress = 0;

        await CheckpointDtypeConversion.RunAsync(new DtypeConversionOptions(f32, bf16, SafetensorsDtype.BF16), new SynchronousProgress(p => lastProgress = p));
        await CheckpointDtypeConversion.RunAsync(new DtypeConversionOptions(bf16, back, SafetensorsDtype.F32));

        using var original = SafetensorsFile.Open(Path.Combine(f32, "model.safetensors"));
        using var halved = SafetensorsFile.Open(Path.Combine(bf16, "model.safetensors"));
        using var widened = SafetensorsFile.Open(Path.Combine(back, "model.safetensors"));
        Assert.Equal(original.Tensors.Select(t => t.Name), halved.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tensor in original.Tensors)
        {
            var source = tensor.ToFloat32Array();
            var rounded = halved.GetTensor(tensor.Name);
            Assert.Equal(SafetensorsDtype.BF16, rounded.Dtype);
            Assert.Equal(tensor.Shape, rounded.Shape);
            Assert.Equal(source.Select(Llama2cConversionTests.RoundToBf16Precision), rounded.ToFloat32Array());
            Assert.Equal(rounded.ToFloat32Array(), widened.GetTensor(tensor.Name).AsSpan<float>().ToArray());
        }
        Assert.Equal(1.0, lastProgress);
    }

    [Fact]
    public async Task UpdatesTorchDtype_AndCopiesOtherFiles()
    {
        using var dir = new TempDirectory();
        var f32 = dir.File("f32");
        var f16 = dir.File("f16");
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, f32));

        await CheckpointDtypeConversion.RunAsync(new DtypeConversionOptions(f32, f16, SafetensorsDtype.F16));

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(f16, "config.json")));
        Assert.Equal("float16", config.RootElement.GetProperty("torch_dtype").GetString());
        Assert.Equal(64, config.RootElement.GetProperty("hidden_size").GetInt32());
        Assert.Equal(File.ReadAllText(Path.Combine(f32, "tokenizer_config.json")), File.ReadAllText(Path.Combine(f16, "tokenizer_config.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(f32, "generation_config.json")), File.ReadAllText(Path.Combine(f16, "generation_config.json")));
        using var weights = SafetensorsFile.Open(Path.Combine(f16, "model.safetensors"));
        Assert.All(weights.Tensors, t => Assert.Equal(SafetensorsDtype.F16, t.Dtype));
        Assert.Equal("pt", weights.Metadata["format"]);
    }

    [Fact]
    public async Task ConvertsShardsAndIndex_KeepingIntegerTensors()
    {
        using var dir = new TempDirectory();
        var input = dir.File("in");
        Directory.CreateDirectory(input);
        float[] w = [1.5f, -2.25f, 3.0f, 1e-3f];
        SafetensorsWriter.WriteFile(Path.Combine(input, "model-00001-of-00002.safetensors"),
            [(new SafetensorsTensorInfo("w", SafetensorsDtype.F32, [2, 2]), w.SelectMany(BitConverter.GetBytes).ToArray())]);
        SafetensorsWriter.WriteFile(Path.Combine(input, "model-00002-of-00002.safetensors"),
            [(new SafetensorsTensorInfo("ids", SafetensorsDtype.I64, [2]), new byte[16])]);
        File.WriteAllText(Path.Combine(input, SafetensorsCheckpoint.IndexFileName),
            """{"metadata": {"total_size": 32}, "weight_map": {"w": "model-00001-of-00002.safetensors", "ids": "model-00002-of-00002.safetensors"}}""");
        var output = dir.File("out");

        await CheckpointDtypeConversion.RunAsync(new DtypeConversionOptions(input, output, SafetensorsDtype.F16));

        using var checkpoint = SafetensorsCheckpoint.Open(output);
        Assert.Equal(SafetensorsDtype.F16, checkpoint.GetTensor("w").Dtype);
        Assert.Equal(w.Select(v => (float)(Half)v), checkpoint.GetTensor("w").ToFloat32Array());
        Assert.Equal(SafetensorsDtype.I64, checkpoint.GetTensor("ids").Dtype);
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, SafetensorsCheckpoint.IndexFileName)));
        Assert.Equal(8 + 16, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
    }

    [Fact]
    public async Task Throws_WhenOutputIsInput()
    {
        using var dir = new TempDirectory();
        await Assert.ThrowsAsync<ArgumentException>(() => CheckpointDtypeConversion.RunAsync(new DtypeConversionOptions(dir.Path, dir.Path, SafetensorsDtype.F16)));
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
