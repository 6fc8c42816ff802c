"""person_father: "{}'s father is named? Answer:" (translated by the project)."""

from translations.people import PEOPLE as SHARED_SUBJECTS  # noqa: F401

TEMPLATES = {
    "de": "Der Vater von {} heißt? Antwort:",
    "es": "¿El padre de {} se llama? Respuesta:",
    "fr": "Le père de {} s'appelle ? Réponse :",
    "zh": "{}的父亲名叫？答案：",
    "ja": "{}の父親の名前は？答え：",
}

SUBJECTS = ""

# Names stay as written unless the language has a standard form; transcribed names accept the
# written form (and the traditional Chinese form) too. A bare id: the written form everywhere.
OBJECTS = """
britney_spears
marilyn_monroe
ludwig_van_beethoven | = | = | = | 约翰·范·贝多芬 / Johann van Beethoven | ヨハン・ヴァン・ベートーヴェン / Johann van Beethoven
charles_dickens | = | = | = | 约翰·狄更斯 / John Dickens | ジョン・ディケンズ / John Dickens
joseph_stalin | Bessarion Dschughaschwili / Besarion Jughashvili | Besarión Dzhugashvili / Besarion Jughashvili | Bessarion Djougachvili / Besarion Jughashvili | 维萨里昂·朱加什维利 / 維薩里昂·朱加什維利 / Besarion Jughashvili | ベサリオン・ジュガシヴィリ / Besarion Jughashvili
raphael | = | = | = | 乔瓦尼·桑蒂 / Giovanni Santi | ジョヴァンニ・サンティ / Giovanni Santi
noam_chomsky | = | = | = | 威廉·乔姆斯基 / William Chomsky | ウィリアム・チョムスキー / William Chomsky
nadia_boulanger | = | = | = | 欧内斯特·布朗热 / Ernest Boulanger | エルネスト・ブーランジェ / Ernest Boulanger
richard_wagner | = | = | = | 卡尔·弗里德里希·瓦格纳 / Carl Friedrich Wagner | カール・フリードリヒ・ワーグナー / Carl Friedrich Wagner
cicero | = | Marco Tulio Cicerón / Marcus Tullius Cicero | = | 马库斯·图利乌斯·西塞罗 / Marcus Tullius Cicero | マルクス・トゥッリウス・キケロ / Marcus Tullius Cicero
lionel_messi | = | = | = | 豪尔赫·梅西 / Jorge Messi | ホルヘ・メッシ / Jorge Messi
rabindranath_tagore | = | = | = | 德本德拉纳特·泰戈尔 / Debendranath Tagore | デーヴェーンドラナート・タゴール / Debendranath Tagore
george_frideric_handel | = | = | = | 格奥尔格·亨德尔 / Georg Händel | ゲオルク・ヘンデル / Georg Händel
george_washington | = | = | = | 奥古斯丁·华盛顿 / Augustine Washington | オーガスティン・ワシントン / Augustine Washington
henri_de_toulouse_lautrec | = | = | = | 阿方斯·德·图卢兹-罗特列克-蒙法 / Alphonse de Toulouse-Lautrec-Monfa | アルフォンス・ド・トゥールーズ＝ロートレック＝モンファ / Alphonse de Toulouse-Lautrec-Monfa
sophia_loren | = | = | = | 里卡多·希科洛内 / Riccardo Scicolone | リッカルド・シコローネ / Riccardo Scicolone
julia_roberts
joseph_vernet | = | = | = | 安托万·韦尔内 / Antoine Vernet | アントワーヌ・ヴェルネ / Antoine Vernet
aleksandr_solzhenitsyn | Issaki Semjonowitsch Solschenizyn / Isaackly Semyonovich Solzhenitsyn | = | Issaki Semionovitch Soljenitsyne / Isaackly Semyonovich Solzhenitsyn | 伊萨基·谢苗诺维奇·索尔仁尼琴 / Isaackly Semyonovich Solzhenitsyn | イサーキー・セミョーノヴィチ・ソルジェニーツィン / Isaackly Semyonovich Solzhenitsyn
blaise_pascal | = | = | = | 艾蒂安·帕斯卡 / Étienne Pascal | エティエンヌ・パスカル / Étienne Pascal
john_constable
justin_bieber | = | = | = | 杰里米·比伯 / Jeremy Bieber | ジェレミー・ビーバー / Jeremy Bieber
georgia_o_keeffe
johannes_kepler | = | = | = | 海因里希·开普勒 / Heinrich Kepler | ハインリッヒ・ケプラー / Heinrich Kepler
napoleon_iii | = | Luis Bonaparte / Louis Bonaparte | = | 路易·波拿巴 / Louis Bonaparte | ルイ・ボナパルト / Louis Bonaparte
augustus | = | Cayo Octavio / Gaius Octavius | Caius Octavius / Gaius Octavius | 盖乌斯·屋大维 / 蓋烏斯·屋大維 / Gaius Octavius | ガイウス・オクタウィウス / Gaius Octavius
marcel_proust | = | = | = | 阿德里安·普鲁斯特 / Adrien Proust | アドリアン・プルースト / Adrien Proust
samuel_taylor_coleridge
tennessee_williams
al_gore
seamus_heaney
friedrich_durrenmatt
alfonso_x_of_castile_and_leon | Ferdinand III. von León / Ferdinand III. von Kastilien / Ferdinand III of León | Fernando III de León / Fernando III de Castilla / Ferdinand III of León | Ferdinand III de León / Ferdinand III de Castille / Ferdinand III of León | 莱昂的斐迪南三世 / 萊昂的斐迪南三世 / 斐迪南三世 / Ferdinand III of León | レオン王フェルナンド3世 / フェルナンド3世 / Ferdinand III of León
shinzo_abe | = | = | = | 安倍晋太郎 / 安倍晉太郎 / Shintarō Abe | 安倍晋太郎 / Shintarō Abe
louis_aragon
sarah_jessica_parker
emmanuel_macron | = | = | = | 让-米歇尔·马克龙 / Jean-Michel Macron | ジャン＝ミシェル・マクロン / Jean-Michel Macron
billie_eilish
yehudi_menuhin
carl_gustaf_emil_mannerheim
giacomo_casanova
diana_princess_of_wales | John Spencer, 8. Earl Spencer / John Spencer, 8th Earl Spencer / John Spencer | John Spencer, VIII conde Spencer / John Spencer, 8th Earl Spencer / John Spencer | John Spencer, 8e comte Spencer / John Spencer, 8th Earl Spencer / John Spencer | 第八代斯宾塞伯爵约翰·斯宾塞 / 約翰·斯賓塞 / 约翰·斯宾塞 / John Spencer | 第8代スペンサー伯爵ジョン・スペンサー / ジョン・スペンサー / John Spencer
nina_hagen
friedrich_hayek
karl_friedrich_schinkel
ferdinand_ii_of_aragon | Johann II. von Aragón / John II of Aragon | Juan II de Aragón / John II of Aragon | Jean II d'Aragon / John II of Aragon | 阿拉贡的胡安二世 / 阿拉貢的胡安二世 / 胡安二世 / John II of Aragon | アラゴン王フアン2世 / フアン2世 / John II of Aragon
ansel_adams
jennifer_aniston | = | = | = | 约翰·安尼斯顿 / John Aniston | ジョン・アニストン / John Aniston
thomas_babington_macaulay_1st_baron_macaulay
philip_iv_of_spain | Philipp III. von Spanien / Philip III of Spain | Felipe III de España / Philip III of Spain | Philippe III d'Espagne / Philip III of Spain | 西班牙的腓力三世 / 腓力三世 / Philip III of Spain | スペイン王フェリペ3世 / フェリペ3世 / Philip III of Spain
"""
