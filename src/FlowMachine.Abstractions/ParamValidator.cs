using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace FlowMachine;

/// <summary>
/// Validates bound params with DataAnnotations, naming each param by its JSON path: the rules of every property
/// (the message speaks of the param by its JSON name unless <see cref="DisplayAttribute"/> names it), then nested
/// objects and list items, then the object's own rules and <see cref="IValidatableObject"/>.
/// </summary>
internal static class ParamValidator
{
    private const int MaxDepth = 16;

    // Each step binds its params afresh: read the attributes of a params class once.
    private static readonly ConcurrentDictionary<Type, PropertyRules[]> RulesByType = new();

    public static void Validate(object instance, string path, int depth, List<string> errors)
    {
        var before = errors.Count;
        foreach (var (property, member, rules, display) in RulesByType.GetOrAdd(instance.GetType(), RulesOf))
        {
            var value = property.Get!(instance);
            var name = Join(path, property.Name);
            if (rules.Length > 0)
            {
                var context = new ValidationContext(instance) { MemberName = member.Name, DisplayName = display };
                var results = new List<ValidationResult>();
                if (!Validator.TryValidateValue(value, context, results, rules))
                {
                    errors.AddRange(results.Select(r => $"{TaskParams.Describe(name)}: {r.ErrorMessage}"));
                    continue;
                }
            }

            if (depth < MaxDepth)
            {
                ValidateNested(value, name, depth + 1, errors);
            }
        }

        if (errors.Count == before)
        {
            ValidateObject(instance, path, errors);
        }
    }

    private static PropertyRules[] RulesOf(Type type) =>
        [.. TaskParams.Options.GetTypeInfo(type).Properties
            .Where(p => p.Get is not null && p.AttributeProvider is MemberInfo)
            .Select(p =>
            {
                var member = (MemberInfo)p.AttributeProvider!;
                return new PropertyRules(p, member, [.. member.GetCustomAttributes<ValidationAttribute>(inherit: true)], member.GetCustomAttribute<DisplayAttribute>()?.GetName() ?? p.Name);
            })];

    private static void ValidateNested(object? value, string path, int depth, List<string> errors)
    {
        switch (value)
        {
            case null or string or JsonNode or JsonElement or IDictionary:
                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null && IsObject(item.GetType()))
                    {
                        Validate(item, $"{path}[{index}]", depth, errors);
                    }

                    index++;
                }

                return;
            default:
                if (IsObject(value.GetType()))
                {
                    Validate(value, path, depth, errors);
                }

                return;
        }
    }

    // The object's own attributes and IValidatableObject; its properties passed already.
    private static void ValidateObject(object instance, string path, List<string> errors)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            return;
        }

        var names = TaskParams.Options.GetTypeInfo(instance.GetType()).Properties
            .Where(p => p.AttributeProvider is MemberInfo)
            .ToDictionary(p => ((MemberInfo)p.AttributeProvider!).Name, p => p.Name, StringComparer.Ordinal);
        foreach (var result in results)
        {
            var members = result.MemberNames.Select(m => names.TryGetValue(m, out var json) ? Join(path, json) : Join(path, m)).ToArray();
            var where = members.Length == 0 ? TaskParams.Describe(path) : string.Join(", ", members.Select(TaskParams.Describe));
            errors.Add($"{where}: {result.ErrorMessage}");
        }
    }

    private static bool IsObject(Type type) =>
        TaskParams.Options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Object;

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private readonly record struct PropertyRules(JsonPropertyInfo Property, MemberInfo Member, ValidationAttribute[] Rules, string Display);
}
