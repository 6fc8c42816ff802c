"""company_ceo: "{}'s CEO is? Answer:" (translated by the project)."""

TEMPLATES = {
    "de": "Der CEO von {} ist? Antwort:",
    "es": "¿El director ejecutivo de {} es? Respuesta:",
    "fr": "Le PDG de {} est ? Réponse :",
    "zh": "{}的首席执行官是？答案：",
    "ja": "{}のCEOは？答え：",
}

# id | de | es | fr | zh | ja
SUBJECTS = """
nvidia | = | = | = | 英伟达 | エヌビディア
meta | = | = | = | = | =
ibm | = | = | = | = | =
hewlett_packard | = | = | = | 惠普 | ヒューレット・パッカード
the_coca_cola_company | = | = | = | 可口可乐公司 | ザ コカ・コーラ カンパニー
dell_inc | = | = | = | 戴尔公司 | デル
volkswagen_group | Volkswagen-Konzern | Grupo Volkswagen | Groupe Volkswagen | 大众汽车集团 | フォルクスワーゲングループ
wikimedia_foundation | = | Fundación Wikimedia | = | 维基媒体基金会 | ウィキメディア財団
international_monetary_fund | Internationaler Währungsfonds | Fondo Monetario Internacional | Fonds monétaire international | 国际货币基金组织 | 国際通貨基金
delta_air_lines | = | = | = | 达美航空 | デルタ航空
robert_bosch | Robert Bosch GmbH | = | = | 博世 | ボッシュ
lvmh | = | = | = | 路威酩轩 | =
auckland_airport | Flughafen Auckland | Aeropuerto de Auckland | Aéroport d'Auckland | 奥克兰机场 | オークランド空港
orly_airport | Flughafen Paris-Orly | Aeropuerto de París-Orly | Aéroport de Paris-Orly | 巴黎奥利机场 | パリ＝オルリー空港
bayer | = | = | = | 拜耳 | バイエル
nvidia_2 | = | = | = | = | =
dupont | = | = | = | 杜邦 | デュポン
british_airways | = | = | = | 英国航空 | ブリティッシュ・エアウェイズ
american_library_association | = | Asociación Estadounidense de Bibliotecas | = | 美国图书馆协会 | アメリカ図書館協会
verizon | = | = | = | 威瑞森 | ベライゾン
agrofert | = | = | = | = | =
softbank_group | = | = | = | 软银集团 | ソフトバンクグループ
american_express | = | = | = | 美国运通 | アメリカン・エキスプレス
target_corporation | = | = | = | 塔吉特公司 | ターゲット・コーポレーション
ceska_sporitelna | = | = | = | = | =
qualcomm_inc | = | = | = | 高通公司 | クアルコム
bertelsmann | = | = | = | 贝塔斯曼 | ベルテルスマン
university_of_leeds | Universität Leeds | Universidad de Leeds | Université de Leeds | 利兹大学 | リーズ大学
thales_group | Thales-Gruppe | Grupo Thales | Groupe Thales | 泰雷兹集团 | タレス・グループ
o2_czech_republic | = | = | = | = | =
sap | = | = | = | = | =
ericsson | = | = | = | 爱立信 | エリクソン
british_council | = | = | = | 英国文化协会 | ブリティッシュ・カウンシル
rheinmetall_ag | = | = | = | 莱茵金属公司 | ラインメタル
comcast | = | = | = | 康卡斯特 | コムキャスト
channel_one_russia | Perwy kanal | Primer Canal de Rusia | Pervi Kanal | 俄罗斯第一频道 | ロシア第1チャンネル
cvs_health | = | = | = | = | CVSヘルス
finnair | = | = | = | 芬兰航空 | フィンエアー
sberbank_of_russia | Sberbank | Sberbank de Rusia | Sberbank de Russie | 俄罗斯联邦储蓄银行 | ズベルバンク
amazon_web_services | = | = | = | 亚马逊云科技 | アマゾン ウェブ サービス
ceskoslovenska_obchodni_banka | = | = | = | = | =
food_and_agriculture_organization | Ernährungs- und Landwirtschaftsorganisation der Vereinten Nationen | Organización de las Naciones Unidas para la Alimentación y la Agricultura | Organisation des Nations unies pour l'alimentation et l'agriculture | 联合国粮食及农业组织 | 国際連合食糧農業機関
humana | = | = | = | = | ヒューマナ
fc_viktoria_koln | = | = | = | 科隆维多利亚足球俱乐部 | FCヴィクトリア・ケルン
tesco | = | = | = | 乐购 | テスコ
publicis | = | = | = | 阳狮集团 | ピュブリシス
yle | = | = | = | 芬兰广播公司 | フィンランド放送協会
institut_de_chimie | = | = | = | = | =
pinterest | = | = | = | = | =
vertex_pharmaceuticals | = | = | = | 福泰制药 | バーテックス・ファーマシューティカルズ
"""

# Names stay as written (German, Spanish, French); well-known ones get the usual Chinese and
# Japanese forms, with the written form (and the traditional Chinese form) as accepted answers.
OBJECTS = """
nvidia | = | = | = | 黄仁勋 / 黃仁勳 / Jensen Huang | ジェンスン・フアン / Jensen Huang
meta | = | = | = | 马克·扎克伯格 / 馬克·祖克柏 / Mark Zuckerberg | マーク・ザッカーバーグ / Mark Zuckerberg
ibm | = | = | = | 阿尔温德·克里希纳 / Arvind Krishna | アービンド・クリシュナ / Arvind Krishna
hewlett_packard | = | = | = | 梅格·惠特曼 / Meg Whitman | メグ・ホイットマン / Meg Whitman
the_coca_cola_company | = | = | = | 詹姆斯·昆西 / James Quincey | ジェームズ・クインシー / James Quincey
dell_inc | = | = | = | 迈克尔·戴尔 / 麥可·戴爾 / Michael Dell | マイケル・デル / Michael Dell
volkswagen_group | = | = | = | 奥博穆 / Oliver Blume | オリバー・ブルーメ / Oliver Blume
wikimedia_foundation | = | = | = | = | =
international_monetary_fund | = | = | = | 克里斯塔利娜·格奥尔基耶娃 / Kristalina Georgieva | クリスタリナ・ゲオルギエバ / Kristalina Georgieva
delta_air_lines | = | = | = | = | =
robert_bosch | = | = | = | = | =
lvmh | = | = | = | 贝尔纳·阿尔诺 / 伯纳德·阿尔诺 / Bernard Arnault | ベルナール・アルノー / Bernard Arnault
auckland_airport | = | = | = | = | =
orly_airport | = | = | = | = | =
bayer | = | = | = | = | =
nvidia_2 | = | = | = | 黄仁勋 / 黃仁勳 / Jen-Hsun Huang | ジェンスン・フアン / Jen-Hsun Huang
dupont | = | = | = | = | =
british_airways | = | = | = | = | =
american_library_association | = | = | = | = | =
verizon | = | = | = | = | =
agrofert | = | = | = | = | =
softbank_group | = | = | = | 孙正义 / 孫正義 / Masayoshi Son | 孫正義 / Masayoshi Son
american_express | = | = | = | = | =
target_corporation | = | = | = | = | =
ceska_sporitelna | = | = | = | = | =
qualcomm_inc | = | = | = | 安蒙 / Cristiano Amon | クリスティアーノ・アモン / Cristiano Amon
bertelsmann | = | = | = | = | =
university_of_leeds | = | = | = | = | =
thales_group | = | = | = | = | =
o2_czech_republic | = | = | = | = | =
sap | = | = | = | = | =
ericsson | = | = | = | = | =
british_council | = | = | = | = | =
rheinmetall_ag | = | = | = | = | =
comcast | = | = | = | = | =
channel_one_russia | Konstantin Ernst | Konstantín Ernst / Konstantin Ernst | = | 康斯坦丁·恩斯特 / Konstantin Ernst | コンスタンチン・エルンスト / Konstantin Ernst
cvs_health | = | = | = | = | =
finnair | = | = | = | = | =
sberbank_of_russia | German Gref / Herman Gref | = | Guerman Gref / Herman Gref | 格尔曼·格列夫 / Herman Gref | ゲルマン・グレフ / Herman Gref
amazon_web_services | = | = | = | 安迪·贾西 / Andy Jassy | アンディ・ジャシー / Andy Jassy
ceskoslovenska_obchodni_banka | = | = | = | = | =
food_and_agriculture_organization | = | = | = | = | =
humana | = | = | = | = | =
fc_viktoria_koln | = | = | = | = | =
tesco | = | = | = | = | =
publicis | = | = | = | 莫里斯·莱维 / Maurice Lévy | モーリス・レヴィ / Maurice Lévy
yle | = | = | = | = | =
institut_de_chimie | = | = | = | = | =
pinterest | = | = | = | 本·西尔伯曼 / Ben Silbermann | ベン・シルバーマン / Ben Silbermann
vertex_pharmaceuticals | = | = | = | = | =
"""
