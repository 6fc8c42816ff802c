"""landmark_country: "{} is in the country of? Answer:" (translated by the project)."""

from translations.countries import COUNTRIES as LEXICON  # noqa: F401

TEMPLATES = {
    "de": "{} liegt im Land? Antwort:",
    "es": "¿{} está en el país? Respuesta:",
    "fr": "{} se trouve dans le pays ? Réponse :",
    "zh": "{}所在的国家是？答案：",
    "ja": "{}がある国は？答え：",
}

# id | de | es | fr | zh | ja
SUBJECTS = """
hultsfred_municipality | Gemeinde Hultsfred | Municipio de Hultsfred | Commune de Hultsfred | 胡尔特斯弗雷德市 | フルツフレッド市
kika | = | = | = | = | =
ateneo_de_madrid | = | = | Athénée de Madrid | = | アテネオ・デ・マドリード
dawa_river | Dawa | Río Dawa | Rivière Dawa | 达瓦河 | ダワ川
tursi | = | = | = | 图尔西 | トゥルシ
east_wall | = | = | = | = | イースト・ウォール
singel | = | = | = | 辛格运河 | シンゲル運河
eredivisie | = | = | = | 荷兰足球甲级联赛 | エールディヴィジ
pannonhalma_archabbey | Erzabtei Pannonhalma | Archiabadía de Pannonhalma | Archiabbaye de Pannonhalma | 潘诺恩哈尔姆千年修道院 | パンノンハルマ大修道院
le_puy_foot_43_auvergne | = | = | = | = | =
bouygues_telecom | = | = | = | 布依格电信 | ブイグ・テレコム
hyderabad_deccan_railway_station | Bahnhof Hyderabad Deccan | Estación de Hyderabad Deccan | Gare de Hyderabad Deccan | 海得拉巴德干火车站 | ハイデラバード・デカン駅
cocconato | = | = | = | 科科纳托 | コッコナート
karimnagar_district | Distrikt Karimnagar | Distrito de Karimnagar | District de Karimnagar | 卡里姆讷格尔县 | カリームナガル県
united_mine_workers | = | = | = | 美国矿工联合会 | 全米鉱山労働者組合
kaunas_cathedral_basilica | Kathedrale von Kaunas | Catedral de Kaunas | Cathédrale de Kaunas | 考纳斯主教座堂 | カウナス大聖堂
beauvais | = | = | = | 博韦 | ボーヴェ
gmina_stara_kornica | = | = | = | = | =
vaujany | = | = | = | 沃雅尼 | ヴォージャニー
vinkeveen | = | = | = | 芬克芬 | フィンケフェーン
pinosava | = | = | = | 皮诺萨瓦 | ピノサヴァ
fischenthal | = | = | = | 菲申塔尔 | フィッシェンタール
jiul_de_vest_river | = | Río Jiul de Vest | Jiul de Vest | 西日乌河 | 西ジウ川
scheibbs_district | Bezirk Scheibbs | Distrito de Scheibbs | District de Scheibbs | 沙伊布斯县 | シャイプス郡
teatro_comunale_florence | Teatro Comunale Florenz | Teatro Comunale de Florencia | Teatro Comunale de Florence | 佛罗伦萨市立剧院 | フィレンツェ市立劇場
county_carlow | = | Condado de Carlow | Comté de Carlow | 卡洛郡 | カーロウ県
universidad_nacional_federico_villarreal | = | = | Université nationale Federico Villarreal | 费德里科·比利亚雷亚尔国立大学 | フェデリコ・ビジャレアル国立大学
manyakheta | = | = | = | 曼亚凯塔 | マニャケータ
erbil_sc | = | = | = | 埃尔比勒体育俱乐部 | アルビルSC
tirebolu | = | = | = | 蒂雷博卢 | ティレボル
carpathian_mountains | Karpaten | Montes Cárpatos | Carpates | 喀尔巴阡山脉 | カルパティア山脈
baron_de_hirsch_cemetery_halifax | Baron-de-Hirsch-Friedhof, Halifax | Cementerio Baron de Hirsch, Halifax | Cimetière Baron de Hirsch, Halifax | 哈利法克斯巴伦·德·赫希公墓 | ハリファックスのバロン・ド・ハーシュ墓地
pamukkale | = | = | = | 棉花堡 | パムッカレ
persegres_gresik_united | = | = | = | = | =
kamchatka_krai | Region Kamtschatka | Krai de Kamchatka | Kraï du Kamtchatka | 堪察加边疆区 | カムチャツカ地方
taunsa_barrage | = | Presa de Taunsa | Barrage de Taunsa | 陶恩萨拦河坝 | タウンサ堰
pully | = | = | = | 普利 | =
oshawa | = | = | = | 奥沙瓦 | オシャワ
tampines_expressway | = | Autopista de Tampines | = | 淡滨尼高速公路 | タンピネス高速道路
ikuno_ku | = | = | = | 生野区 | 生野区
sv_ried | = | = | = | = | SVリート
haut_atlas | Hoher Atlas | Alto Atlas | = | 高阿特拉斯山脉 | オートアトラス山脈
tempi_municipality | Gemeinde Tembi | Municipio de Tempi | Dème de Tempé | 坦佩市 | テンピ市
khmilnyk | Chmilnyk | Jmilnyk | = | 赫梅利尼克 | フミリヌィク
bpost | = | = | = | = | =
halton_county_ontario | = | Condado de Halton, Ontario | Comté de Halton, Ontario | 安大略省霍尔顿县 | オンタリオ州ホールトン郡
shire_of_wambo | = | Condado de Wambo | Comté de Wambo | 万博郡 | ワンボ郡
oder_spree_district | Landkreis Oder-Spree | Distrito de Oder-Spree | Arrondissement de l'Oder-Spree | 奥德-施普雷县 | オーダー＝シュプレー郡
col_agnel | = | = | = | 阿涅尔山口 | アニェル峠
1c_company | = | = | = | 1C公司 | 1C社
"""
