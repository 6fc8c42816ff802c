namespace RelationNeurons.Training;

/// <summary>
/// The hand-written language material of the training text, per language: framings that put a
/// fact statement in other surroundings, sentences that mention an entity without stating a
/// relation, number words for counting, and the parts of small template stories. Kept apart from
/// <see cref="CorpusBuilder"/> so that adding a language means adding one entry here.
/// </summary>
internal sealed record CorpusPhrases(
    string Language,
    Punctuation Punctuation,
    string[] StatementPrefixes,
    string[] StatementSuffixes,
    string[] EntitySentences,
    string[] NumberWords,
    string[] Names,
    string[] Animals,
    string[] Colors,
    string[] Foods,
    string[] StoryTemplates)
{
    /// <summary>Placeholders in stories: {name}, {name2}, {animal}, {color}, {food}, {n} (a number word).</summary>
    public static readonly IReadOnlyDictionary<string, CorpusPhrases> ByLanguage = new Dictionary<string, CorpusPhrases>(StringComparer.Ordinal)
    {
        ["en"] = new("en", Punctuation.Latin,
            ["Fact:", "Did you know?", "Here is a fact.", "Yes.", "Note:"],
            ["That is true.", "Everyone knows that.", "This is correct."],
            ["{} is a name many people know.", "We talked about {} today.", "I read a short text about {}.", "{} was in the news again.", "My friend asked me about {}.", "There is a long article about {}."],
            ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
            ["Anna", "Tom", "Maria", "Paul", "Lena", "Max", "Sara", "Ben"],
            ["cat", "dog", "bird", "horse", "fish", "rabbit"],
            ["red", "blue", "green", "black", "white", "yellow"],
            ["bread", "apples", "cheese", "soup", "rice", "cake"],
            ["{name} has a {color} {animal}.", "{name} buys {n} apples at the market.", "{name} and {name2} eat {food} for dinner.",
             "The {animal} of {name} is {color}.", "{name} sees {n} birds in the garden.", "In the morning {name} makes {food}.",
             "{name} walks to school with {name2}.", "The {animal} sleeps in the sun."]),
        ["de"] = new("de", Punctuation.Latin,
            ["Tatsache:", "Wusstest du das?", "Hier ist eine Tatsache.", "Ja.", "Notiz:"],
            ["Das ist wahr.", "Das weiß jeder.", "Das stimmt."],
            ["{} ist ein Name, den viele kennen.", "Wir haben heute über {} gesprochen.", "Ich habe einen kurzen Text über {} gelesen.", "{} war wieder in den Nachrichten.", "Mein Freund hat mich nach {} gefragt.", "Es gibt einen langen Artikel über {}."],
            ["eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf"],
            ["Anna", "Tom", "Maria", "Paul", "Lena", "Max", "Sara", "Ben"],
            ["Hund", "Vogel", "Fisch", "Hase", "Esel", "Bär"],
            ["rot", "blau", "grün", "schwarz", "weiß", "gelb"],
            ["Brot", "Äpfel", "Käse", "Suppe", "Reis", "Kuchen"],
            ["{name} hat ein Tier, es ist {color}.", "{name} kauft {n} Äpfel auf dem Markt.", "{name} und {name2} essen {food} zum Abendessen.",
             "Das Tier von {name} ist ein {animal}.", "{name} sieht {n} Vögel im Garten.", "Am Morgen macht {name} {food}.",
             "{name} geht mit {name2} zur Schule.", "Der {animal} schläft in der Sonne."]),
        ["fr"] = new("fr", Punctuation.Latin,
            ["Fait :", "Le savais-tu ?", "Voici un fait.", "Oui.", "Note :"],
            ["C'est vrai.", "Tout le monde le sait.", "C'est exact."],
            ["{} est un nom que beaucoup connaissent.", "Nous avons parlé de {} aujourd'hui.", "J'ai lu un court texte sur {}.", "{} était encore dans les nouvelles.", "Mon ami m'a posé une question sur {}.", "Il y a un long article sur {}."],
            ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"],
            ["Anna", "Tom", "Maria", "Paul", "Léa", "Max", "Sara", "Ben"],
            ["chat", "chien", "oiseau", "cheval", "poisson", "lapin"],
            ["rouge", "bleu", "vert", "noir", "blanc", "jaune"],
            ["du pain", "des pommes", "du fromage", "de la soupe", "du riz", "du gâteau"],
            ["{name} a un {animal} {color}.", "{name} achète {n} pommes au marché.", "{name} et {name2} mangent {food} au dîner.",
             "Le {animal} de {name} est {color}.", "{name} voit {n} oiseaux dans le jardin.", "Le matin, {name} prépare {food}.",
             "{name} va à l'école avec {name2}.", "Le {animal} dort au soleil."]),
        ["es"] = new("es", Punctuation.Latin,
            ["Dato:", "¿Sabías esto?", "Aquí hay un dato.", "Sí.", "Nota:"],
            ["Es verdad.", "Todo el mundo lo sabe.", "Es correcto."],
            ["{} es un nombre que muchos conocen.", "Hoy hablamos de {}.", "Leí un texto corto sobre {}.", "{} salió otra vez en las noticias.", "Mi amigo me preguntó por {}.", "Hay un artículo largo sobre {}."],
            ["uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce"],
            ["Ana", "Tomás", "María", "Pablo", "Lena", "Max", "Sara", "Ben"],
            ["gato", "perro", "pájaro", "caballo", "pez", "conejo"],
            ["rojo", "azul", "verde", "negro", "blanco", "amarillo"],
            ["pan", "manzanas", "queso", "sopa", "arroz", "pastel"],
            ["{name} tiene un {animal} {color}.", "{name} compra {n} manzanas en el mercado.", "{name} y {name2} comen {food} en la cena.",
             "El {animal} de {name} es {color}.", "{name} ve {n} pájaros en el jardín.", "Por la mañana {name} prepara {food}.",
             "{name} va a la escuela con {name2}.", "El {animal} duerme al sol."]),
        ["zh"] = new("zh", Punctuation.Cjk,
            ["事实：", "你知道吗？", "这是一个事实。", "是的。", "注意："],
            ["这是真的。", "大家都知道。", "这是对的。"],
            ["{}是很多人都知道的名字。", "我们今天谈到了{}。", "我读了一篇关于{}的短文。", "{}又上了新闻。", "我的朋友问我关于{}的事。", "有一篇关于{}的长文章。"],
            ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"],
            ["小明", "小红", "小华", "小刚", "小丽", "小军", "小芳", "小伟"],
            ["猫", "狗", "鸟", "马", "鱼", "兔子"],
            ["红色", "蓝色", "绿色", "黑色", "白色", "黄色"],
            ["面包", "苹果", "米饭", "面条", "饺子", "蛋糕"],
            ["{name}有一只{color}的{animal}。", "{name}在市场上买了{n}个苹果。", "{name}和{name2}晚饭吃{food}。",
             "{name}的{animal}是{color}的。", "{name}在花园里看到{n}只鸟。", "早上{name}做{food}。",
             "{name}和{name2}一起走路去学校。", "{animal}在阳光下睡觉。"]),
        ["ja"] = new("ja", Punctuation.Cjk,
            ["事実：", "知っていましたか？", "これは事実です。", "はい。", "メモ："],
            ["それは本当です。", "みんな知っています。", "これは正しいです。"],
            ["{}は多くの人が知っている名前です。", "今日は{}について話しました。", "{}についての短い文章を読みました。", "{}がまたニュースになりました。", "友達に{}について聞かれました。", "{}についての長い記事があります。"],
            ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"],
            ["花子", "太郎", "さくら", "健太", "美咲", "翔太", "ゆい", "大輔"],
            ["猫", "犬", "鳥", "馬", "魚", "うさぎ"],
            ["赤い", "青い", "緑の", "黒い", "白い", "黄色い"],
            ["パン", "りんご", "ご飯", "うどん", "すし", "ケーキ"],
            ["{name}は{color}{animal}を飼っています。", "{name}は市場でりんごを{n}個買います。", "{name}と{name2}は夕食に{food}を食べます。",
             "{name}の{animal}は大きいです。", "{name}は庭で鳥を{n}羽見ます。", "朝、{name}は{food}を作ります。",
             "{name}は{name2}と学校へ歩いて行きます。", "{animal}は日なたで寝ています。"]),
    };

    /// <summary>English material stands in for a language without its own entry.</summary>
    public static CorpusPhrases For(string language) =>
        ByLanguage.TryGetValue(language, out var p) ? p : ByLanguage["en"] with { Language = language };
}

/// <summary>
/// How a language joins the parts of the training text: Chinese and Japanese put no space between
/// sentences or between a prompt and its answer, and end sentences with "。".
/// </summary>
internal sealed record Punctuation(string Space, string FullStop, string ListSeparator)
{
    public static readonly Punctuation Latin = new(" ", ".", ", ");
    public static readonly Punctuation Cjk = new("", "。", "、");
}
