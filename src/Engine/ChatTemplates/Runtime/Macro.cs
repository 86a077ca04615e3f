using Engine.ChatTemplates.Syntax;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// A <c>{% macro %}</c> (or the body of a <c>{% call %}</c>, bound as <c>caller</c>). Called, it renders its body
/// in a fresh frame over the frame it was defined in; missing arguments are undefined (Jinja does not raise),
/// extra ones land in <c>varargs</c> and <c>kwargs</c>.
/// </summary>
internal sealed class Macro(string name, List<MacroParameter> parameters, List<Stmt> body, Scope closure) : ICallable
{
    public string Name { get; } = name;

    public object? Call(Interpreter interpreter, CallArgs args)
    {
        var frame = new Scope(closure);
        var varargs = new List<object?>();
        for (var i = 0; i < args.Positional.Count; i++)
        {
            if (i < parameters.Count)
            {
                frame.Set(parameters[i].Name, args.Positional[i]);
            }
            else
            {
                varargs.Add(args.Positional[i]);
            }
        }
        var kwargs = new PyDict();
        foreach (var (key, value) in args.Keyword)
        {
            var index = parameters.FindIndex(p => p.Name == key);
            if (index >= 0 && index < args.Positional.Count)
            {
                throw new ChatTemplateException($"TypeError: macro '{Name}' got multiple values for argument '{key}'");
            }
            if (index >= 0 || key == "caller")
            {
                frame.Set(key, value);
            }
            else
            {
                kwargs[key] = value;
            }
        }
        for (var i = args.Positional.Count; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            if (!args.Keyword.Exists(k => k.Key == parameter.Name))
            {
                frame.Set(parameter.Name, parameter.Default is null
                    ? Undefined.Named(parameter.Name)
                    : interpreter.Evaluate(parameter.Default, frame));
            }
        }
        frame.Set("varargs", new PyTuple(varargs));
        frame.Set("kwargs", kwargs);
        return interpreter.CallBody(body, frame);
    }
}
