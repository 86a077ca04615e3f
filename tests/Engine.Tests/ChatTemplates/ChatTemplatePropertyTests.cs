using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.ChatTemplates;
using Engine.ChatTemplates.Runtime;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.ChatTemplates;

/// <summary>Invariants over large input spaces: value printing and JSON round trips, and verbatim data.</summary>
public sealed class ChatTemplatePropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(new Replay(new Rnd(20260722UL, 11UL), null));

    [Fact]
    public void FloatRepr_RoundTrips_AndUsesPythonLayout()
    {
        Check.One(Quick, Prop.ForAll(ArbMap.Default.ArbFor<NormalFloat>(), f =>
        {
            var d = f.Get;
            var text = PyRepr.Float(d);
            var back = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            // Python: shortest digits that round-trip; always a '.' or an exponent; exponent sign and >= 2 digits.
            var shaped = text.Contains('.', StringComparison.Ordinal) || text.Contains("e+", StringComparison.Ordinal) || text.Contains("e-", StringComparison.Ordinal);
            var exp = text.IndexOf('e', StringComparison.Ordinal);
            var expDigitsOk = exp < 0 || text.Length - exp - 2 >= 2;
            return back.Equals(d) && shaped && expDigitsOk && text == text.ToLowerInvariant();
        }));
    }

    [Fact]
    public void PrintingAStringVariable_IsVerbatim()
    {
        var template = ChatTemplate.Parse("{{ s }}");
        Check.One(Quick, Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), s =>
            template.Render(new JsonObject { ["s"] = s.Get }) == s.Get));
    }

    [Fact]
    public void ToJson_ParsesBackToTheSameString()
    {
        var template = ChatTemplate.Parse("{{ s|tojson }}");
        Check.One(Quick, Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), s =>
        {
            // Lone surrogates cannot survive System.Text.Json's own encoder, so compare only well-formed strings.
            if (!IsWellFormed(s.Get))
            {
                return true;
            }
            var json = template.Render(new JsonObject { ["s"] = s.Get });
            return JsonDocument.Parse(json).RootElement.GetString() == s.Get;
        }));
    }

    [Fact]
    public void DataWithoutTagOpeners_RendersUnchangedExceptOneTrailingNewline()
    {
        Check.One(Quick, Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), s =>
        {
            var text = s.Get.Replace("{", "(", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
            var expected = text.EndsWith('\n') ? text[..^1] : text;
            return ChatTemplate.Parse(text).Render([]) == expected;
        }));
    }

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }
        return true;
    }
}
