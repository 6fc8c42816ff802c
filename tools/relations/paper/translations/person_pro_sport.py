"""person_pro_sport: "{} plays the sport of? Answer:" (translated by the project).

LRE's "football" is American football (its players are NFL players), "soccer" association
football, "hockey" ice hockey."""

from translations.people import PEOPLE as SHARED_SUBJECTS  # noqa: F401

TEMPLATES = {
    "de": "{} spielt die Sportart? Antwort:",
    "es": "¿{} practica el deporte de? Respuesta:",
    "fr": "{} pratique le sport ? Réponse :",
    "zh": "{}从事的运动是？答案：",
    "ja": "{}がプレーするスポーツは？答え：",
}

LEXICON = """
baseball | Baseball | béisbol / beisbol | baseball | 棒球 | 野球 / ベースボール
football | American Football / Football | fútbol americano / football americano | football américain | 美式足球 / 美式橄榄球 / 美式橄欖球 | アメリカンフットボール / アメフト
soccer | Fußball / Fussball | fútbol / futbol | football / foot / soccer | 足球 | サッカー
basketball | Basketball | baloncesto / básquetbol / básquet | basket-ball / basketball / basket | 篮球 / 籃球 | バスケットボール / バスケ
hockey | Eishockey / Hockey | hockey sobre hielo / hockey | hockey sur glace / hockey | 冰球 / 冰上曲棍球 | アイスホッケー / ホッケー
"""

# id | de | es | fr | zh | ja (a bare id: the written name everywhere)
SUBJECTS = """
roberto_clemente | = | = | = | 罗伯托·克莱门特 | ロベルト・クレメンテ
terrell_owens | = | = | = | 特雷尔·欧文斯 | テレル・オーウェンス
matteo_ferrari
bud_grant
kareem_abdul_jabbar | = | = | = | 卡里姆·阿卜杜勒-贾巴尔 | カリーム・アブドゥル＝ジャバー
frederic_piquionne
lou_gehrig | = | = | = | 卢·格里克 | ルー・ゲーリッグ
grant_hill | = | = | = | 格兰特·希尔 | グラント・ヒル
leon_allen_white
torsten_frings | = | = | = | 托尔斯滕·弗林斯 | トルステン・フリンクス
oscar_robertson | = | = | = | 奥斯卡·罗伯逊 | オスカー・ロバートソン
jermain_defoe | = | = | = | 杰梅因·迪福 | ジャーメイン・デフォー
eric_lindros | = | = | = | 埃里克·林德罗斯 | エリック・リンドロス
john_olerud
siem_de_jong
dirk_nowitzki | = | = | = | 德克·诺维茨基 | ダーク・ノヴィツキー
bubba_smith
alexei_kovalev
dick_butkus
kasey_keller
tommie_smith
derek_jeter | = | = | = | 德瑞克·基特 | デレク・ジーター
honus_wagner
mickey_mantle | = | = | = | 米奇·曼托 | ミッキー・マントル
terry_sawchuk
pete_rose | = | = | = | 皮特·罗斯 | ピート・ローズ
babe_ruth | = | = | = | 贝比·鲁斯 | ベーブ・ルース
gary_payton | = | = | = | 加里·佩顿 | ゲイリー・ペイトン
jack_kemp
julio_cesar | = | = | = | 儒利奥·塞萨尔 | ジュリオ・セーザル
shane_doan
daniel_santiago
maurice_richard | = | = | = | 莫里斯·理查德 | モーリス・リシャール
rick_barry | = | = | = | 里克·巴里 | リック・バリー
alexi_lalas
mauricio_wright
clayton_kershaw | = | = | = | 克莱顿·克肖 | クレイトン・カーショウ
bashkim_kadrii
tony_dungy
ollie_matson
len_ford
emanuel_pogatetz
steven_gerrard | = | = | = | 史蒂文·杰拉德 | スティーヴン・ジェラード
rick_fox
hank_greenberg
bill_russell | = | = | = | 比尔·拉塞尔 | ビル・ラッセル
peyton_manning | = | = | = | 佩顿·曼宁 | ペイトン・マニング
"""
