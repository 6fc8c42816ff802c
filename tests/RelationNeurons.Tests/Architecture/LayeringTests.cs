using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Architecture;

/// <summary>
/// The layering rule of docs/architecture.md, read from the compiled assemblies (every type a type
/// names: base types, fields, signatures, locals, the operands of its IL, attributes, generic
/// arguments), so a fully qualified name or a `global using` cannot slip past it.
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    /// <summary>
    /// Bottom up. A namespace belongs to the longest prefix listed; a type may use its own layer and
    /// the layers below, never one above. Within a layer, namespaces may use each other but never in
    /// a circle (a namespace and those nested in it count as one).
    /// </summary>
    internal static readonly (string Layer, string[] Namespaces)[] Layers =
    [
        ("foundation", ["RelationNeurons", "RelationNeurons.IO", "RelationNeurons.Randomness"]),
        ("tensors", ["RelationNeurons.Tensors"]),
        ("data, tokenizers, the method's choices", ["RelationNeurons.Data", "RelationNeurons.Tokenization", "RelationNeurons.Method"]),
        ("models", ["RelationNeurons.Models"]),
        ("hooks", ["RelationNeurons.Hooks"]),
        ("inference", ["RelationNeurons.Inference"]),
        ("analysis, evaluation, training", ["RelationNeurons.Analysis", "RelationNeurons.Evaluation", "RelationNeurons.Training"]),
        ("experiments", ["RelationNeurons.Experiments"]),
        ("reporting", ["RelationNeurons.Reporting"]),
        ("runs", ["RelationNeurons.Runs"]),
        ("cli", ["RelationNeurons.Cli"]),
    ];

    internal static int LayerOf(string ns)
    {
        int best = -1, bestLength = -1;
        for (int i = 0; i < Layers.Length; i++)
            foreach (string prefix in Layers[i].Namespaces)
                if ((ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal)) && prefix.Length > bestLength)
                    (best, bestLength) = (i, prefix.Length);
        return best;
    }

    [Fact]
    public void NoTypeUsesAHigherLayer()
    {
        var graph = DependencyGraph.Load();
        var unplaced = graph.Namespaces.Where(ns => LayerOf(ns) < 0).ToList();
        Assert.True(unplaced.Count == 0, $"namespaces without a layer (add them to {nameof(Layers)} and docs/architecture.md): {string.Join(", ", unplaced)}");
        var upward = graph.Edges
            .Where(e => LayerOf(e.From.Namespace) < LayerOf(e.To.Namespace))
            .Select(e => $"{e.From.FullName} ({Layers[LayerOf(e.From.Namespace)].Layer}) -> {e.To.FullName} ({Layers[LayerOf(e.To.Namespace)].Layer})")
            .Distinct().Order().ToList();
        foreach (string line in upward) output.WriteLine(line);
        Assert.True(upward.Count == 0, $"{upward.Count} upward references:\n{string.Join("\n", upward.Take(40))}");
    }

    [Fact]
    public void NamespacesFormNoCycle()
    {
        var graph = DependencyGraph.Load();
        // A namespace and those nested in it are one part: the parent holds the shared abstractions
        // (ITokenizer, ReportSection) and the entry that picks an implementation, the children implement them.
        var edges = graph.Edges.Select(e => (From: e.From.Namespace, To: e.To.Namespace))
            .Where(e => e.From != e.To && !Nested(e.From, e.To) && !Nested(e.To, e.From)).Distinct().ToList();
        var cycles = StronglyConnected(graph.Namespaces, edges).Where(c => c.Count > 1).ToList();
        var described = cycles.Select(c =>
        {
            var members = c.ToHashSet();
            var inside = graph.Edges.Where(e => members.Contains(e.From.Namespace) && members.Contains(e.To.Namespace) && edges.Contains((e.From.Namespace, e.To.Namespace)))
                .Select(e => $"  {e.From.FullName} -> {e.To.FullName}").Distinct().Order().Take(12);
            return $"{string.Join(" <-> ", c.Order())}:\n{string.Join("\n", inside)}";
        }).ToList();
        Assert.True(cycles.Count == 0, $"namespace cycles:\n{string.Join("\n", described)}");
    }

    [Fact]
    public void TheRuleCatchesAnUpwardReference()
    {
        // The detector itself: a made-up edge from Models to Inference must be reported as upward.
        Assert.True(LayerOf("RelationNeurons.Models.Gguf") < LayerOf("RelationNeurons.Inference.Kernels"));
        Assert.True(LayerOf("RelationNeurons.Runs") > LayerOf("RelationNeurons.Reporting"));
        Assert.Equal(-1, LayerOf("Elsewhere.Models"));
        var cycle = StronglyConnected(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")]);
        Assert.Contains(cycle, c => c.Count == 3);
        Assert.All(StronglyConnected(["a", "b", "c"], [("a", "b"), ("b", "c")]), c => Assert.Single(c));
        // And the reader finds references in method bodies: this test's own call into DependencyGraph.
        var self = DependencyGraph.Load(typeof(LayeringTests).Assembly.Location, "RelationNeurons.Tests");
        Assert.Contains(self.Edges, e => e.From.Name == nameof(LayeringTests) && e.To.Name == nameof(DependencyGraph));
    }

    private static bool Nested(string inner, string outer) => inner.StartsWith(outer + ".", StringComparison.Ordinal);

    /// <summary>Every library source file sits in the folder its namespace names (RelationNeurons.Models.Gguf in Models/Gguf/).</summary>
    [Fact]
    public void FoldersMatchNamespaces()
    {
        using var module = ModuleDefinition.ReadModule(typeof(UserInputException).Assembly.Location, new ReaderParameters { ReadSymbols = true });
        var wrong = new SortedSet<string>(StringComparer.Ordinal);
        int seen = 0;
        foreach (var type in module.Types.Where(t => t.Namespace.StartsWith("RelationNeurons", StringComparison.Ordinal)))
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                var document = method.DebugInformation.SequencePoints.FirstOrDefault()?.Document.Url;
                if (document is null) continue;
                string path = document.Replace('\\', '/');
                int at = path.LastIndexOf("/src/RelationNeurons/", StringComparison.Ordinal);
                if (at < 0 || path.Contains("/obj/", StringComparison.Ordinal)) continue;
                seen++;
                string folder = Path.GetDirectoryName(path[(at + "/src/RelationNeurons/".Length)..])!.Replace('/', '.');
                string expected = folder.Length == 0 ? "RelationNeurons" : "RelationNeurons." + folder;
                if (type.Namespace != expected) wrong.Add($"{type.FullName} is in {path[(at + 1)..]}");
            }
        Assert.True(seen > 100, $"only {seen} methods had source locations; were the symbols read?");
        Assert.True(wrong.Count == 0, $"types whose folder does not match their namespace:\n{string.Join("\n", wrong)}");
    }

    /// <summary>Tarjan's algorithm: the strongly connected components of a directed graph.</summary>
    internal static List<List<string>> StronglyConnected(IEnumerable<string> nodes, IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v); onStack.Add(v);
            foreach (string w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            result.Add(component);
        }
        foreach (string n in nodes.Distinct()) if (!index.ContainsKey(n)) Visit(n);
        return result;
    }
}

/// <summary>Type-to-type references between the project's own types, read with Mono.Cecil.</summary>
internal sealed class DependencyGraph
{
    public sealed record TypeNode(string Namespace, string Name)
    {
        public string FullName => Namespace.Length == 0 ? Name : Namespace + "." + Name;
    }

    public required IReadOnlyList<(TypeNode From, TypeNode To)> Edges { get; init; }
    public required IReadOnlyList<string> Namespaces { get; init; }

    /// <summary>The library and the command-line program.</summary>
    public static DependencyGraph Load()
    {
        string library = typeof(RelationNeurons.UserInputException).Assembly.Location;
        string cli = Path.Combine(Path.GetDirectoryName(library)!, "relneurons.dll");
        if (!File.Exists(cli)) cli = Path.Combine(Path.GetDirectoryName(library)!, "RelationNeurons.Cli.dll");
        var a = Load(library, "RelationNeurons");
        if (!File.Exists(cli)) throw new FileNotFoundException("the command-line assembly is not beside the library", cli);
        var b = Load(cli, "RelationNeurons");
        return new DependencyGraph
        {
            Edges = [.. a.Edges, .. b.Edges],
            Namespaces = [.. a.Namespaces.Union(b.Namespaces).Order()],
        };
    }

    public static DependencyGraph Load(string assemblyPath, string rootNamespace)
    {
        var edges = new HashSet<(TypeNode, TypeNode)>();
        var namespaces = new SortedSet<string>(StringComparer.Ordinal);
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        bool Ours(TypeReference t) => Outer(t).Namespace is var ns && (ns == rootNamespace || ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal));

        foreach (var type in module.GetTypes())
        {
            var outer = Outer(type);
            if (!Ours(outer) || outer.Name.StartsWith('<')) continue;
            var from = Node(outer);
            namespaces.Add(from.Namespace);
            var seen = new HashSet<TypeReference>();
            void Add(TypeReference? t)
            {
                if (t is null || !seen.Add(t)) return;
                switch (t)
                {
                    case GenericInstanceType g:
                        Add(g.ElementType);
                        foreach (var arg in g.GenericArguments) Add(arg);
                        return;
                    case TypeSpecification s:
                        Add(s.ElementType);
                        return;
                    case GenericParameter:
                        return;
                }
                if (Ours(t))
                {
                    var to = Node(Outer(t));
                    if (!to.Name.StartsWith('<')) edges.Add((from, to));
                }
            }
            void AddMember(MemberReference? m)
            {
                switch (m)
                {
                    case MethodReference method:
                        Add(method.DeclaringType);
                        Add(method.ReturnType);
                        foreach (var p in method.Parameters) Add(p.ParameterType);
                        if (method is GenericInstanceMethod gm) foreach (var arg in gm.GenericArguments) Add(arg);
                        break;
                    case FieldReference field:
                        Add(field.DeclaringType);
                        Add(field.FieldType);
                        break;
                    case TypeReference t:
                        Add(t);
                        break;
                }
            }
            void Attributes(ICustomAttributeProvider p)
            {
                foreach (var a in p.CustomAttributes) { Add(a.AttributeType); AddMember(a.Constructor); }
            }

            Add(type.BaseType);
            foreach (var i in type.Interfaces) Add(i.InterfaceType);
            Attributes(type);
            foreach (var f in type.Fields) { Add(f.FieldType); Attributes(f); }
            foreach (var p in type.Properties) { Add(p.PropertyType); Attributes(p); }
            foreach (var e in type.Events) Add(e.EventType);
            foreach (var m in type.Methods)
            {
                AddMember(m);
                Attributes(m);
                foreach (var o in m.Overrides) AddMember(o);
                if (!m.HasBody) continue;
                foreach (var v in m.Body.Variables) Add(v.VariableType);
                foreach (var instruction in m.Body.Instructions)
                    if (instruction.Operand is MemberReference member) AddMember(member);
                    else if (instruction.Operand is CallSite site) { Add(site.ReturnType); foreach (var p in site.Parameters) Add(p.ParameterType); }
            }
        }
        return new DependencyGraph
        {
            Edges = [.. edges.Where(e => e.Item1 != e.Item2)],
            Namespaces = [.. namespaces],
        };
    }

    private static TypeReference Outer(TypeReference t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t;
    }

    private static TypeNode Node(TypeReference t) => new(t.Namespace, t.Name);
}
