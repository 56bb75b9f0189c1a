"""A labelled corpus for measuring search relevance (issue 12), written by hand for it.

Sixty articles on six topics, ten each: sourdough baking (``bread``), trail running (``running``),
home networking (``network``), houseplants (``plants``), personal finance (``money``) and
astronomy (``astro``). The topics share vocabulary on purpose ("starter", "light", "running
costs", "mesh", "a café in Zürich") so that ranking is not trivial; some words carry accents
("café", "crème brûlée", "Zürich") and verbs and nouns appear inflected ("run", "ran",
"running", "runs") so that accent folding and stemming are exercised.

Each article has a stable ``key`` (``topic-NN``); queries judge articles by key with graded
relevance: 2 = highly relevant, 1 = relevant, absent = not relevant.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    key: str
    topic: str
    title: str
    description: str
    tags: list[str]
    body: str


@dataclass(frozen=True)
class Query:
    text: str
    judgments: dict[str, int]
    kind: str = "keywords"
    tag: str | None = None  # also filter by this tag, as ``?tag=`` does


def _body(text: str) -> str:
    """Paragraphs are separated by a blank line; line breaks inside one are joined."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(paragraphs)


ARTICLES: list[Article] = []


def _add(key: str, title: str, description: str, tags: list[str], body: str) -> None:
    ARTICLES.append(Article(key, key.split("-")[0], title, description, tags, _body(body)))


# --- sourdough baking --------------------------------------------------------------------------

_add(
    "bread-01",
    "Keeping a sourdough starter alive through the week",
    "Feeding ratios, fridge rests and the smell of a hungry levain.",
    ["sourdough", "starter"],
    """
    A sourdough starter is nothing more than flour and water colonised by wild yeast and lactic acid
    bacteria, but it behaves like a pet with opinions. Feed it at a ratio of one part starter, five
    parts flour and five parts water and it will double in six to eight hours at a kitchen
    temperature of about 24 degrees.

    If you bake only on weekends, keep the jar in the fridge from Monday to Thursday. A cold starter
    eats slowly; feed it once midweek and twice on Friday so it is lively again by Saturday morning.
    A hungry starter smells of nail polish remover, which is acetone from the yeast running out of
    food. That smell is a warning, not a death sentence.

    Whole rye flour makes a starter more vigorous because it carries more enzymes and minerals. Many
    bakers keep a small rye culture and build a white levain from it the night before they mix the
    dough.
    """,
)
_add(
    "bread-02",
    "Reading the bulk fermentation, not the clock",
    "How to tell when sourdough dough has fermented enough before shaping.",
    ["sourdough", "fermentation"],
    """
    Recipes give times for bulk fermentation, but the dough does not read recipes. A bulk rise that
    takes four hours at 26 degrees may take nine hours in a cool winter kitchen. Watch the dough
    instead: it should grow by about half, show a domed surface, and have bubbles along the sides of
    the container.

    A straight-sided tub with a strip of tape marking the starting level makes this easy. When you
    tip the dough out it should feel airy and jiggle like set custard. Under-fermented dough is
    tight and dense and bakes into a loaf with a gummy crumb and a few large tunnels. Over-fermented
    dough spreads, tears and smells sharply sour.

    Stretch and folds during the first two hours build strength without kneading. Four sets, thirty
    minutes apart, are usually enough for a dough at 75 percent hydration. After that, leave it
    alone and let the fermentation do its work.
    """,
)
_add(
    "bread-03",
    "Shaping a tight boule without a bench scraper panic",
    "Pre-shape, rest, final shape: building surface tension in a round loaf.",
    ["sourdough", "shaping"],
    """
    Shaping is where many home bakers lose the air they waited hours to build. The trick is to be
    quick and decisive. Tip the fermented dough onto an unfloured counter, use a bench scraper to
    tuck it into a loose round, and let it rest for twenty minutes so the gluten relaxes.

    For the final shape of a boule, flour the top, flip it over, fold the bottom third up, the sides
    in, and roll it towards you. Then drag the round across the counter so the bottom grips and the
    surface tightens. A well shaped boule holds its height in the banneton and rises up rather than
    out in the oven.

    If the dough sticks to your hands, wet them slightly rather than adding more flour. Raw flour
    trapped in the seam shows up as a pale streak in the crumb. Practice with a simple white loaf
    before attempting high hydration doughs.
    """,
)
_add(
    "bread-04",
    "Baking in a Dutch oven: steam, heat and the ear",
    "Why a lidded cast-iron pot gives home bakers a bakery crust.",
    ["sourdough", "baking"],
    """
    Professional deck ovens inject steam during the first minutes of the bake, keeping the crust
    soft so the loaf can expand. A home oven vents that moisture away. A preheated cast-iron Dutch
    oven solves the problem: the loaf's own moisture is trapped under the lid and the heavy pot
    radiates heat evenly.

    Preheat the pot at 250 degrees for forty-five minutes. Score the loaf with a razor at a shallow
    angle, lower it in on parchment, and bake covered for twenty minutes. The shallow cut opens into
    the ear, that crisp ridge of crust every sourdough baker chases. Remove the lid, drop the
    temperature to 230 degrees, and bake another twenty to twenty-five minutes until the crust is
    deep mahogany.

    Let the bread cool for at least an hour. The crumb is still setting as steam escapes, and
    slicing early gives a gummy interior however good the bake was.
    """,
)
_add(
    "bread-05",
    "What I learned baking at a Paris café bakery",
    "Early mornings, baguettes and a crème brûlée made with leftover yolks.",
    ["sourdough", "baking", "travel"],
    """
    For three months I worked the early shift at a small café in Paris that bakes its own bread. The
    day started at four with the levain, which the owner had kept going for eleven years. We mixed
    baguette dough with a little of that sourdough culture for flavour and a pinch of commercial
    yeast for reliability.

    The café served pain au levain by the slice with butter and jam, and every tart and custard used
    the eggs from the same farm. Nothing was wasted: leftover yolks from the meringues became a
    crème brûlée that sold out by noon, and day-old bread turned into croutons or pain perdu.

    What stayed with me was the rhythm. Nobody rushed the fermentation; they adjusted the water
    temperature each morning so the dough reached the same warmth, whatever the weather. That habit,
    measuring dough temperature rather than guessing, improved my home baking more than any new
    flour.
    """,
)
_add(
    "bread-06",
    "Whole wheat and rye: baking with thirsty flours",
    "More water, gentler handling and shorter fermentation for wholegrain sourdough.",
    ["sourdough", "flour"],
    """
    Wholegrain flours absorb more water than white flour because the bran and germ soak it up. A
    whole wheat sourdough that feels stiff at 75 percent hydration may need 85 percent. Add the
    extra water gradually after an autolyse of an hour, when the bran has softened.

    Bran also cuts gluten strands like tiny blades, so whole wheat doughs never get as strong or as
    open as white ones. Accept a tighter crumb and a richer, nutty flavour. Rye is a different grain
    altogether: it has little gluten and relies on pentosans for structure, so a high-rye bread is
    mixed like a paste and baked in a tin.

    Wholegrain doughs ferment faster because the flour feeds the yeast and bacteria more. Shorten
    the bulk by a quarter and keep an eye on the dough. A dense, sour rye loaf wrapped in linen
    keeps for a week and tastes better on the third day.
    """,
)
_add(
    "bread-07",
    "Cold retard: why your loaf spends the night in the fridge",
    "Flavour, scheduling and scoring benefits of an overnight proof.",
    ["sourdough", "fermentation"],
    """
    After shaping, most sourdough recipes send the loaf into the refrigerator for eight to sixteen
    hours. This cold retard slows the yeast more than the bacteria, so the loaf develops more
    acidity and a deeper flavour while barely rising. It also moves baking to a convenient time:
    shape in the evening, bake before work.

    A cold dough is firm and much easier to score cleanly, so the pattern you cut stays crisp and
    the ear lifts properly. Bake straight from the fridge; there is no need to warm it up.

    If your fridge runs warm, around eight degrees, the loaf keeps fermenting and may overproof by
    morning. A cheap thermometer tells you. If the dough springs back slowly when you poke it, it is
    ready; if the dent stays, bake it at once and expect a flatter loaf with a more open crumb near
    the crust.
    """,
)
_add(
    "bread-08",
    "Troubleshooting a flat sourdough loaf",
    "Weak starter, overproofing or poor shaping: finding the real cause.",
    ["sourdough", "troubleshooting"],
    """
    A flat loaf is the most common complaint from new bakers, and it has several causes that look
    alike. Start with the starter: if it does not double within eight hours of feeding, it is too
    weak to raise a loaf. Feed it twice a day at a warm temperature for a few days before baking.

    Next, look at fermentation. A loaf that spreads like a pancake and has a sour smell and large
    irregular holes under the crust was overproofed. A loaf that is flat but dense and tight was
    underproofed and had no gas to hold. The crumb tells you which.

    Finally, shaping. Without surface tension the dough has no skin to hold its shape, so even a
    perfectly fermented dough will slump. Lower hydration helps while you learn. Change one thing at
    a time and keep notes; baking rewards patience more than new equipment.
    """,
)
_add(
    "bread-09",
    "Enriched sourdough: brioche, cinnamon rolls and a festive babka",
    "Butter, eggs and sugar slow the levain down; here is how to plan for it.",
    ["sourdough", "pastry"],
    """
    Enriched doughs carry butter, eggs, milk and sugar, all of which slow wild yeast. A sourdough
    brioche can take twelve hours to rise where a yeasted one takes three. Use a young, sweet levain
    fed twice at a warm temperature so the finished bread is rich rather than sour.

    Add the butter only after the gluten is well developed, a few cubes at a time, and keep the
    dough cool so the butter does not melt out. A stand mixer helps, but slap and fold by hand works
    too if you are patient.

    The same dough becomes cinnamon rolls or a chocolate babka. Fill it, roll it, and let it proof
    until it is puffy and wobbly. Brush with egg and bake at 180 degrees. The custard-like crumb of
    a good brioche pairs with crème pâtissière, or with the leftover caramel from a crème brûlée if
    you have any.
    """,
)
_add(
    "bread-10",
    "A baker's week in Zürich: bread culture in Switzerland",
    "From Zopf to rye loaves from the Valais, a tour of Swiss bakeries.",
    ["baking", "travel"],
    """
    Switzerland takes bread seriously. In Zürich almost every neighbourhood has a bakery that opens
    at six, and the Sunday loaf is Zopf, a braided butter bread with a shiny egg glaze. I spent a
    week visiting bakeries around the city and a day in a mountain village in the Valais.

    The Valais rye bread is dense, dark and made largely with sourdough, a protected speciality
    baked in wood-fired ovens. Bakers there told me their starter came from their grandparents and
    that they feed it with rye flour ground in the valley.

    In Zürich the best loaves I found came from a café near the lake where the baker used a long,
    cold fermentation and a blend of spelt and wheat. Spelt ferments fast and tears easily, so she
    shapes it gently and bakes it hot. I came home with a bag of spelt flour and a notebook full of
    schedules.
    """,
)

# --- trail running -----------------------------------------------------------------------------

_add(
    "running-01",
    "Choosing trail running shoes for mud, rock and mixed terrain",
    "Lugs, rock plates, drop and fit: what matters when you leave the road.",
    ["trail-running", "gear"],
    """
    Road shoes feel fast until the path turns to mud. Trail running shoes have deeper lugs that bite
    into soft ground, stiffer uppers that protect against rocks, and often a rock plate in the
    midsole. For sticky mud pick lugs of five millimetres or more spaced widely so they shed clumps;
    for hard packed or rocky trails shorter lugs with a grippy rubber compound work better.

    Fit matters more than any feature. Your feet swell on long runs and descending pushes your toes
    forward, so leave a thumb's width at the front. A secure midfoot stops the foot sliding on
    cambered paths.

    Drop, the height difference between heel and forefoot, is a personal choice. If you ran for
    years in high drop shoes, move to a low drop gradually to spare your calves and Achilles.
    Replace a pair once the lugs wear flat, usually after 600 to 800 kilometres.
    """,
)
_add(
    "running-02",
    "How I ran my first 50 km ultramarathon",
    "Training blocks, fuelling mistakes and the last ten kilometres.",
    ["trail-running", "ultramarathon", "race-report"],
    """
    A year ago the longest distance I had run was a half marathon. Last weekend I ran 50 kilometres
    of mountain trail with 2,000 metres of climbing. The training was simpler than I expected: one
    long run a week that grew by five kilometres each month, back-to-back runs on Saturday and
    Sunday, and a lot of hiking uphill.

    My biggest mistake was fuelling. In training I ate when I felt hungry, and in the race I felt
    nothing until kilometre thirty, when I ran out of energy completely. The aid station volunteers
    gave me soup and boiled potatoes and I walked for twenty minutes before I could run again. From
    now on I eat every forty minutes whether I want to or not.

    The last ten kilometres were downhill and my quads were shot, but I finished in seven hours and
    forty minutes, happy, filthy and already planning the next one.
    """,
)
_add(
    "running-03",
    "Uphill running and power hiking: when to walk",
    "Good trail runners walk steep climbs. Here is how to do it well.",
    ["trail-running", "training"],
    """
    On steep climbs, even elite trail runners walk. Above a gradient of about fifteen percent, power
    hiking with hands on the thighs is as fast as running and costs much less energy. The skill is
    knowing when to switch and keeping the hike purposeful rather than a stroll.

    Train it deliberately. Once a week, find a long hill and do repeats of four to six minutes,
    alternating running and hiking at the same effort. Poles help on very long climbs, but practise
    with them before race day; a badly timed pole plant is worse than none.

    Running downhill is its own skill. Look three or four steps ahead, keep your cadence quick and
    your feet light, and let gravity do the work. Braking hard with every step wrecks your quads.
    Runners who descend well gain minutes on every mountain without any extra fitness.
    """,
)
_add(
    "running-04",
    "Fuelling a long trail run: gels, real food and electrolytes",
    "How many carbohydrates per hour, and how to train your gut to take them.",
    ["trail-running", "nutrition"],
    """
    Your body stores enough carbohydrate for about ninety minutes of hard running. Beyond that you
    need to eat, and the research suggests sixty to ninety grams of carbohydrate per hour for long
    efforts. That is two or three gels, or a mix of gels, bananas, rice cakes and boiled potatoes.

    The gut is trainable. If you never eat on training runs it will rebel on race day. Practise your
    race fuelling on every long run, starting with thirty grams an hour and building up. Sip water
    regularly and add electrolytes in heat; sodium losses in sweat vary a lot between runners.

    Real food works best at slower efforts and on ultras, where the stomach tolerates more. Many
    runners crave salty food late in a race. A cup of broth or a slice of bread with cheese at an
    aid station can turn a bad patch around faster than another sweet gel.
    """,
)
_add(
    "running-05",
    "Trail running around Zürich: the Uetliberg loops",
    "Forest paths, a summit café and views over the lake.",
    ["trail-running", "travel"],
    """
    Zürich is a surprisingly good city for trail running. The Uetliberg rises right above the city
    and a tram takes you to the foot of it. From the Triemli stop a steep path climbs four hundred
    metres through beech forest to the summit, where a café with a terrace serves coffee and cake to
    hikers and runners alike.

    The classic loop runs along the ridge to Felsenegg, with views across the lake to the Alps on a
    clear day, and comes back down through the forest. It is about sixteen kilometres with plenty of
    roots and a few slippery sections in autumn, so trail shoes are a good idea.

    In winter the upper paths can be icy; I run with microspikes after a snowfall. The local running
    clubs meet on weekday evenings with head torches, and visitors are welcome to join a group run
    if they ask politely.
    """,
)
_add(
    "running-06",
    "Recovering from an ankle sprain on the trails",
    "Rest, rehab and proprioception drills before you run technical ground again.",
    ["trail-running", "injury"],
    """
    Rolled ankles are the classic trail running injury. Most sprains are mild and heal in two to six
    weeks, but a badly rehabbed ankle sprains again easily. In the first days, protect it and keep
    the swelling down, then start moving it gently in all directions as soon as pain allows.

    Balance work is the key to preventing the next sprain. Stand on the injured leg while brushing
    your teeth, then with eyes closed, then on a cushion. These proprioception drills retrain the
    reflexes that catch a foot when it lands on a rock at a bad angle.

    Return to running on smooth roads or tracks first. When you can hop on the injured leg without
    pain, add easy trails, and only then steep technical descents. Many runners wear a light brace
    for a few months. Strength in the calves and hips matters as much as the ankle itself.
    """,
)
_add(
    "running-07",
    "Night running with a head torch",
    "Lumens, beam patterns and batteries for trail runs after dark.",
    ["trail-running", "gear"],
    """
    Running trails at night feels like a different sport. Your world shrinks to the circle of light
    from your head torch, sounds get louder, and familiar paths become unfamiliar. For winter
    training and for ultras that run through the night, it is a skill worth practising.

    For technical trails you want at least 300 lumens with a beam that combines a wide flood for
    your feet and a spot for the path ahead. A second light at the waist throws shadows forward and
    makes roots and rocks easier to read. Lithium batteries last longer in the cold than alkaline
    ones.

    Start on paths you know well and slow down; depth perception is poorer in artificial light. Tell
    someone your route. On clear nights, switch the torch off for a minute on a summit and look up:
    away from the city, the stars and the Milky Way are a reward for running in the dark.
    """,
)
_add(
    "running-08",
    "A beginner's plan: from road runner to trail runner in eight weeks",
    "Easy mileage, one hilly run a week and learning to love walking.",
    ["trail-running", "training", "beginners"],
    """
    If you already run on roads, moving to trails is mostly about slowing down. Effort on trails is
    higher for the same pace, so run by feel or heart rate, not by the watch. For the first eight
    weeks keep your weekly time the same as on the road and replace one run at a time with a trail
    run.

    In week one, run an easy trail loop and walk every hill. By week four, add a weekly hill session
    of short repeats. By week eight your long run can be entirely on trails, with some technical
    sections where you practise quick, light steps.

    Runs on trails tire the small stabilising muscles of the feet and ankles that roads never use.
    Expect sore calves at first. Two short strength sessions a week, with squats, lunges and calf
    raises, will make the transition smoother and protect you from the common injuries.
    """,
)
_add(
    "running-09",
    "Training by heart rate: easy runs should feel easy",
    "Zones, the talk test and why most runners run their easy days too hard.",
    ["running", "training"],
    """
    Most recreational runners run their easy days too fast and their hard days too slow. The result
    is a grey zone of medium effort that builds fatigue without much fitness. Heart rate training
    forces discipline: keep easy runs in zone two, where you can still hold a conversation.

    Estimate your maximum heart rate from a hard uphill effort rather than a formula. Zone two sits
    around 65 to 75 percent of it. At first the pace will feel embarrassingly slow, and on hilly
    trails you may need to walk uphill to stay in zone. Over months your easy pace improves at the
    same heart rate, which is aerobic fitness growing.

    Heat, poor sleep and caffeine all raise heart rate, so look at trends rather than single runs. A
    chest strap is more accurate than a wrist sensor, especially on rough trails where the watch
    bounces.
    """,
)
_add(
    "running-10",
    "Packing a running vest for a mountain race",
    "Mandatory kit, water flasks and where everything goes.",
    ["trail-running", "gear", "ultramarathon"],
    """
    Mountain races publish a list of mandatory kit: waterproof jacket with taped seams, warm layer,
    emergency blanket, whistle, phone, head torch and a minimum amount of water and food. Marshals
    check it at the start and sometimes during the race, and missing items mean penalties.

    A running vest carries all of it close to the body so it does not bounce. Soft flasks in the
    front pockets are easy to refill at aid stations and shrink as you drink. Put food you will eat
    every hour within reach, and the jacket and emergency gear in the back.

    Train with the full vest on your long runs so the weight and the fit become familiar. Chafing
    that is minor after an hour can become serious after eight. A spare pair of socks in a zip bag
    weighs almost nothing and has saved many runners in wet conditions.
    """,
)

# --- home networking ---------------------------------------------------------------------------

_add(
    "network-01",
    "Mesh Wi-Fi versus a single router: covering a whole house",
    "When a mesh system beats a stronger router, and when a wired backhaul matters.",
    ["networking", "wifi"],
    """
    A single router in the corner of a house rarely covers every room well. Walls, floors and
    especially concrete and metal absorb the signal. A mesh system places several nodes around the
    house that talk to each other and present one network name, so your phone roams between them.

    Mesh works best when the nodes are connected by Ethernet cable, the wired backhaul. Without
    cable, each node relays traffic wirelessly and throughput drops with every hop. Tri-band mesh
    systems dedicate a radio to the backhaul and lose less speed.

    Before buying anything, measure. A free analyser app shows signal strength room by room and
    reveals whether the problem is coverage or interference from the neighbours' networks. Often
    moving the router to the centre of the house and off the floor solves more than a new system
    would.
    """,
)
_add(
    "network-02",
    "Setting up VLANs to isolate smart home devices",
    "Keep cheap cameras and plugs away from your laptops with a separate network.",
    ["networking", "security", "smart-home"],
    """
    Smart plugs, cameras and light bulbs are small computers that rarely get security updates. If
    one is compromised it sits on the same network as your laptop and your backups. A VLAN, a
    virtual network, lets a single switch and router carry several isolated networks.

    Create a VLAN for the Internet of Things devices with its own Wi-Fi network name. On the router,
    add firewall rules so that devices on that VLAN can reach the internet but not your main
    network, while your phone can still reach them to control the lights. Multicast discovery
    protocols need a relay to cross VLANs, which trips up many first setups.

    You need a router and access points that support VLAN tagging. Many consumer routers only offer
    a guest network, which is a simpler form of the same isolation and good enough for most homes.
    """,
)
_add(
    "network-03",
    "Running a home server on a Raspberry Pi",
    "Pi-hole, file sharing and backups on a ten-watt box.",
    ["networking", "self-hosting"],
    """
    A Raspberry Pi draws about five to ten watts, so running it around the clock costs very little.
    It is enough for a surprising number of home services: Pi-hole to block ads for the whole
    network, a file share for the family, a media server for music, and a backup target.

    Give the Pi a fixed address by reserving one in your router's DHCP settings rather than
    configuring it on the device. Boot from an SSD over USB instead of an SD card; cards wear out
    quickly under constant writes and a failed card is the most common reason a Pi server stops
    running.

    Keep the system updated automatically, and do not expose services directly to the internet. If
    you need access from outside, a VPN is safer than forwarding ports. Monitoring the temperature
    is worthwhile too: a Pi in a closed cupboard can throttle in summer.
    """,
)
_add(
    "network-04",
    "WireGuard VPN: reaching home from a café",
    "A small, fast VPN to use your home network safely on public Wi-Fi.",
    ["networking", "vpn", "security"],
    """
    Public Wi-Fi in a café or a hotel is convenient and untrustworthy. A VPN back to your home
    network encrypts everything between your laptop and your router, and lets you reach your home
    server and files as if you were on the sofa.

    WireGuard is the simplest VPN to run yourself. Its configuration is a few lines: a key pair on
    each side, the address of the home router, and which networks to route through the tunnel. Many
    routers now support it natively; otherwise a Raspberry Pi at home can run it.

    Your home address must be reachable from outside, so you need either a static IP or a dynamic
    DNS name that follows your address when the provider changes it. Forward a single UDP port to
    the WireGuard server. Test from your phone on mobile data before you travel, not in the café
    when you need it.
    """,
)
_add(
    "network-05",
    "Cat6 cabling a house: what I wish I had known",
    "Pulling cable, patch panels and why every room needs two ports.",
    ["networking", "diy"],
    """
    Wi-Fi keeps improving, but a cable is still faster, more reliable and has lower latency. When we
    renovated, I ran Cat6 cable to every room before the walls were closed. It was the best money
    spent on the whole project.

    Put at least two ports in every room and more behind the television and the desk. Run all cables
    to one central point with a patch panel and a switch, ideally where the fibre or cable modem
    arrives. Label both ends as you go; you will not remember which cable is which.

    Leave a pull string in every conduit for future upgrades. Keep data cables away from mains
    wiring where possible and cross it at right angles. Test every run with a cheap cable tester
    before the plasterer arrives. Ceiling ports for the Wi-Fi access points, powered over Ethernet,
    make the wireless coverage much better than a router on a shelf.
    """,
)
_add(
    "network-06",
    "Why is my Wi-Fi slow in the evening?",
    "Channel congestion, the 2.4 GHz band and finding the real bottleneck.",
    ["networking", "wifi", "troubleshooting"],
    """
    If your internet is fine in the morning and crawls at nine in the evening, the cause is usually
    one of two things: your provider's network is congested when everyone streams video, or your
    Wi-Fi channel is crowded with the neighbours' networks.

    To tell them apart, plug a laptop into the router with a cable and run a speed test. If the
    wired result is slow too, the problem is upstream and only your provider can fix it. If the
    wired test is fast, look at your wireless. The 2.4 GHz band has only three non-overlapping
    channels and travels through walls, so in an apartment block it is saturated. Move devices to 5
    GHz, choose a less crowded channel, and narrow the channel width.

    Old devices that only speak older standards slow everybody down. Retire them or give them their
    own network.
    """,
)
_add(
    "network-07",
    "Understanding IPv6 at home",
    "Prefixes, SLAAC and why your devices have several addresses.",
    ["networking", "ipv6"],
    """
    Many providers now hand out IPv6 alongside IPv4, and your devices use it without you noticing.
    Instead of one public address shared through NAT, your home gets a whole prefix, usually a /56
    or /64, and every device gets its own public address.

    Devices configure themselves with SLAAC: the router announces the prefix and each device builds
    its address. Privacy extensions rotate a temporary address every day so websites cannot track a
    fixed identifier. That is why a laptop may show four or five IPv6 addresses at once.

    Public addresses do not mean exposed devices. The router's firewall still blocks incoming
    connections by default; check that it does. If your prefix changes when the router restarts,
    anything relying on fixed addresses will break, so prefer names over numbers in your
    configuration.
    """,
)
_add(
    "network-08",
    "Choosing a network switch: managed, unmanaged and PoE",
    "Ports, power budgets and when a managed switch is worth it.",
    ["networking", "hardware"],
    """
    An unmanaged switch is plug and play: it adds ports and does nothing else. That is all most
    homes need. A managed switch lets you configure VLANs, see traffic per port and mirror ports for
    troubleshooting, at the cost of a web interface you have to learn.

    Power over Ethernet switches deliver power along the same cable as data, which is ideal for
    ceiling access points, cameras and a Raspberry Pi with a PoE hat. Check the total power budget,
    not just the number of PoE ports: eight ports with a sixty watt budget cannot run eight
    demanding cameras.

    Fanless switches are silent and fine for a home office. Gigabit is enough for almost every
    household; multi-gigabit ports only matter if your internet connection or your file server can
    exceed a gigabit. Buy a few more ports than you need today.
    """,
)
_add(
    "network-09",
    "Running costs of a home lab: measuring the power bill",
    "Servers, switches and routers that run all year add up.",
    ["networking", "self-hosting", "budget"],
    """
    A home lab grows quietly: a router, a switch, a small server, a network storage box, a few
    access points. Each draws only a few watts, but they run every hour of the year. A device that
    uses fifty watts continuously consumes 438 kilowatt hours a year, which at current prices is a
    noticeable line in the household budget.

    Measure before guessing. A plug-in power meter costs little and shows the real draw of each
    device, which is often different from the label. Old enterprise servers bought cheaply second
    hand can draw over a hundred watts idle and cost more in electricity than a new low-power
    machine within two years.

    Schedule what does not need to run at night, spin down disks, and consolidate services onto one
    efficient box. The cheapest watt is the one you do not use.
    """,
)
_add(
    "network-10",
    "DNS at home: faster lookups and blocking trackers",
    "Running your own resolver and what changes when you do.",
    ["networking", "dns", "self-hosting"],
    """
    Every time a device opens a website it asks a DNS server to translate the name into an address.
    By default your router forwards these questions to your provider. Running your own DNS resolver
    at home, on the router or on a small server, gives you control and a few benefits.

    A local resolver caches answers, so repeated lookups are instant. With a blocklist it refuses to
    resolve known advertising and tracking domains for every device on the network, including smart
    televisions that ignore browser extensions. You can also add local names for your own devices,
    so the printer and the home server have names instead of numbers.

    Keep a fallback: if your resolver stops running, the whole household loses the internet and you
    will hear about it. Give the router a second resolver or run two instances.
    """,
)

# --- houseplants -------------------------------------------------------------------------------

_add(
    "plants-01",
    "Watering houseplants: the finger test and the pot weight",
    "Overwatering kills more houseplants than neglect. Here is how to know when to water.",
    ["houseplants", "care"],
    """
    More houseplants die from too much water than too little. Roots need air as well as water, and
    soil that stays soggy suffocates them and invites root rot. The rule is simple: water
    thoroughly, then wait until the plant actually needs it again.

    Push a finger into the soil. For most tropical plants, water when the top two or three
    centimetres are dry. Lift the pot too: a dry pot is noticeably lighter, and after a few weeks
    you can judge by weight alone. Succulents and cacti should dry out completely between waterings.

    Always use pots with drainage holes, and empty the saucer after half an hour. In winter, when
    light is low and growth slows, most plants need far less water. A plant watered on a fixed
    weekly schedule all year is a plant running a slow risk of rot.
    """,
)
_add(
    "plants-02",
    "Light for houseplants: reading a window",
    "South, north, east, west and what bright indirect light really means.",
    ["houseplants", "light"],
    """
    Light is food for plants, and indoors there is far less of it than our eyes suggest. A spot two
    metres from a window may get a tenth of the light on the sill. "Bright indirect light", the
    phrase on so many plant labels, means near a bright window but out of hours of direct midday
    sun.

    In the northern hemisphere, south-facing windows get the most light and suit cacti, succulents
    and citrus. East windows give gentle morning sun, ideal for most foliage plants. North windows
    suit ferns and plants from the forest floor. West windows get hot afternoon sun that can scorch
    leaves in summer.

    Leggy stems reaching towards the glass and small pale new leaves mean too little light. A cheap
    light meter app gives rough numbers. In dark flats a full-spectrum grow light on a timer keeps
    plants compact through winter.
    """,
)
_add(
    "plants-03",
    "Propagating pothos and philodendron in water",
    "Cutting below a node, rooting in a jar and moving to soil.",
    ["houseplants", "propagation"],
    """
    Pothos and philodendron are the easiest plants to propagate, which is why every plant lover
    seems to have a jar of cuttings on the windowsill. Cut a stem just below a node, the bump where
    a leaf meets the stem and where roots will grow. Remove the lowest leaf and put the node in
    water.

    Change the water weekly and keep the jar in bright indirect light. Roots appear in one to three
    weeks. When they are five centimetres long, plant the cutting in a small pot of light, airy mix
    and keep it a little moister than usual for the first weeks while the roots adapt to soil.

    Planting several rooted cuttings together makes a fuller plant much faster than waiting for one
    to bush out. The same method works for tradescantia, monstera with an aerial root, and many
    other climbing plants.
    """,
)
_add(
    "plants-04",
    "Fungus gnats: getting rid of the tiny flies",
    "Drying the soil, sticky traps and biological control.",
    ["houseplants", "pests"],
    """
    The small black flies running over the soil and flying up when you water are fungus gnats. The
    adults are merely annoying, but their larvae live in wet soil and feed on fungi and fine roots.
    They are a sign that the soil stays wet too long.

    Let the top few centimetres of soil dry out between waterings; larvae cannot survive in dry
    soil. Yellow sticky traps catch the adults and show how bad the problem is. Water with a
    solution of the bacterium Bacillus thuringiensis israelensis, sold as mosquito dunks, to kill
    the larvae without harming the plant.

    Bottom watering keeps the surface dry, and a layer of sand on top of the soil makes it hard for
    adults to lay eggs. Fresh bags of potting mix sometimes arrive with eggs already in them, so
    store open bags sealed.
    """,
)
_add(
    "plants-05",
    "Monstera deliciosa care: support, humidity and those holes",
    "Why young leaves have no splits, and how to get the fenestrations.",
    ["houseplants", "care"],
    """
    The Monstera deliciosa is famous for its split, holed leaves, but young plants produce solid
    heart-shaped leaves. The fenestrations come with maturity, and maturity comes with light and
    something to climb. In the wild monstera climbs trees, and indoors a moss pole gives it the same
    cue.

    Give it bright indirect light, water when the top third of the soil is dry, and feed it monthly
    in spring and summer. It tolerates ordinary room humidity, though higher humidity keeps the new
    leaves from tearing as they unfurl.

    Aerial roots are normal; tuck them into the pole or the soil or leave them. Yellowing lower
    leaves usually mean overwatering, while brown crispy edges point to dry air or irregular
    watering. A healthy monstera grows fast and may need a larger pot every spring.
    """,
)
_add(
    "plants-06",
    "Repotting without killing your plant",
    "When to repot, which pot size and how to handle the roots.",
    ["houseplants", "repotting"],
    """
    Repot when roots circle the bottom of the pot or grow out of the drainage holes, when water runs
    straight through, or when the plant dries out within a day or two. Spring is the best time, as
    the plant is entering a period of growth and recovers quickly.

    Choose a pot only two to five centimetres wider than the old one. A huge pot holds a large
    volume of soil that stays wet because the roots cannot reach it, and that invites rot. Gently
    loosen circling roots and trim any that are black and mushy.

    Use a mix suited to the plant: chunky bark mixes for aroids, gritty mixes for succulents,
    moisture-retentive peat-free compost for ferns. Water after repotting and keep the plant out of
    direct sun for a week. Some drooping is normal while the roots settle.
    """,
)
_add(
    "plants-07",
    "Fertilising houseplants: less is more",
    "Balanced feeds, dilution and the white crust of salt build-up.",
    ["houseplants", "care"],
    """
    Potting mix runs out of nutrients after a few months, so plants in the same pot for years need
    feeding. A balanced liquid fertiliser at half the recommended strength, every two to four weeks
    during spring and summer, is enough for most foliage plants. Stop in winter when growth slows.

    More fertiliser does not mean more growth. Excess salts build up in the soil, show as a white
    crust on the surface and on terracotta pots, and burn the roots, which shows as brown leaf tips.
    Flush the pot with plenty of plain water every few months to wash the salts out.

    Flowering plants such as African violets and orchids have their own feeds with more phosphorus
    and potassium. Slow-release granules are convenient for busy people but harder to control. Never
    feed a plant that is dry, sick or freshly repotted.
    """,
)
_add(
    "plants-08",
    "Houseplants that survive a dark apartment",
    "Snake plants, ZZ plants and ferns for north-facing rooms.",
    ["houseplants", "light", "beginners"],
    """
    No plant thrives in darkness, but some tolerate low light far better than others. The snake
    plant and the ZZ plant store water in thick leaves and rhizomes, grow slowly and forgive weeks
    of neglect. They are the classic choice for a dim corner or a north-facing flat.

    Cast iron plant, as its name promises, survives almost anything, including cold hallways. Pothos
    keeps growing in low light, though its variegation fades. Some ferns and the peace lily do well
    in shade if the humidity is decent and the soil stays evenly moist.

    In low light every plant uses less water, so overwatering is the real danger. Water rarely and
    check the soil first. Rotate the pots every few weeks so they grow evenly, and wipe the dust off
    the leaves: a dusty leaf in a dark room is a plant running on empty.
    """,
)
_add(
    "plants-09",
    "Raising humidity for tropical plants without a greenhouse",
    "Humidifiers, grouping plants and the myth of misting.",
    ["houseplants", "humidity"],
    """
    Calatheas, ferns and many tropical aroids come from rainforests where humidity rarely drops
    below sixty percent. Heated homes in winter can fall to thirty percent, and those plants respond
    with brown, crispy leaf edges.

    Misting feels helpful but raises humidity for a few minutes at most. A small ultrasonic
    humidifier near a group of plants makes a real, measurable difference; a cheap hygrometer shows
    how much. Grouping plants together creates a slightly more humid microclimate, and pebble trays
    help a little.

    An old aquarium or a glass cabinet with a small fan and a grow light becomes an indoor
    greenhouse for the fussiest plants. Good air movement matters as much as humidity: still, damp
    air encourages fungal spots and mould on the soil.
    """,
)
_add(
    "plants-10",
    "Growing herbs on a kitchen windowsill",
    "Basil, mint and parsley indoors, and why supermarket pots collapse.",
    ["houseplants", "herbs", "cooking"],
    """
    Fresh herbs on the windowsill are a pleasure for anyone who cooks, but they are plants with
    demanding needs. Most culinary herbs come from sunny Mediterranean hillsides and want as much
    direct light as a window can give; a south-facing sill is best.

    Supermarket basil pots contain dozens of seedlings crammed together. Split the clump into three
    or four small pots and they will grow for months instead of collapsing in a week. Pinch out the
    tips regularly so basil branches instead of flowering.

    Mint grows vigorously in a pot of its own and tolerates less light. Parsley and chives do well
    in cool bright kitchens. Water when the surface is dry, and never let them sit in water. With a
    grow light you can keep a supply going all winter for cooking, from pesto to a mint tea.
    """,
)

# --- personal finance --------------------------------------------------------------------------

_add(
    "money-01",
    "Building an emergency fund before investing",
    "Three to six months of expenses, kept boring and within reach.",
    ["personal-finance", "saving"],
    """
    Before investing a single euro, most advisers agree you should build an emergency fund: three to
    six months of essential expenses in an easily accessible savings account. It is the buffer that
    stops a broken boiler or a lost job from becoming credit card debt.

    Start by working out what you actually spend on rent, food, transport, insurance and bills each
    month. Multiply by three as the first target. Automate a transfer on payday so the saving
    happens before you can spend the money.

    Keep the fund separate from your everyday account, in a savings account with a decent interest
    rate, and do not invest it in shares: the market tends to fall at the same time as jobs
    disappear. Once the fund is complete, the money you were saving can go into long-term
    investments with a clear conscience.
    """,
)
_add(
    "money-02",
    "Index funds explained for beginners",
    "Low fees, broad diversification and why most active funds lose.",
    ["personal-finance", "investing", "beginners"],
    """
    An index fund buys every share in a market index, such as a global stock index, in proportion to
    its size. It does not try to pick winners, so it needs no expensive analysts and charges very
    low fees, often below 0.2 percent a year.

    Over long periods most actively managed funds fail to beat their index after fees. The fee
    difference compounds: one percent a year over thirty years can consume a quarter of the final
    pot. A single global index fund gives a beginner exposure to thousands of companies in dozens of
    countries.

    The hard part is behaviour, not selection. Markets fall by thirty percent every so often, and
    selling in a panic turns a temporary drop into a permanent loss. Invest regularly, ignore the
    news, and rebalance once a year if you also hold bonds.
    """,
)
_add(
    "money-03",
    "A zero-based budget that actually works",
    "Giving every euro a job, and the categories people forget.",
    ["personal-finance", "budget"],
    """
    A zero-based budget assigns every unit of income to a category until nothing is left: rent,
    groceries, transport, savings, fun. Zero does not mean spending everything; savings and debt
    repayment are categories too. The point is that every euro has a job before the month starts.

    The budgets that fail usually forget irregular expenses: car insurance, birthdays, the annual
    software subscription, new running shoes. Add them up for a year, divide by twelve and set that
    amount aside every month in a separate pot. Then the expensive months stop being surprises.

    Track spending weekly rather than monthly so you can adjust before it is too late. An app helps,
    but a simple spreadsheet works just as well. After three months the numbers stop being guesses
    and the budget becomes a plan you trust.
    """,
)
_add(
    "money-04",
    "Paying off debt: avalanche or snowball?",
    "Highest interest first saves money; smallest balance first builds momentum.",
    ["personal-finance", "debt"],
    """
    With several debts, you pay the minimum on all of them and throw every spare amount at one. The
    avalanche method targets the debt with the highest interest rate first and is mathematically the
    cheapest. The snowball method targets the smallest balance first, so you clear whole debts
    quickly and stay motivated.

    If your debts have very different rates, such as a credit card at twenty percent and a car loan
    at five, the avalanche saves real money. If you have many small balances and have struggled
    before, the quick wins of the snowball may be what keeps you going. Either beats paying the
    minimums.

    Whatever the method, stop adding new debt. Cut up the card if you need to, and keep a small
    emergency fund so that an unexpected bill does not send you back to borrowing.
    """,
)
_add(
    "money-05",
    "What it really costs to live in Zürich",
    "Rent, health insurance and the price of a café coffee in Switzerland's largest city.",
    ["personal-finance", "cost-of-living", "travel"],
    """
    Zürich regularly tops the rankings of the world's most expensive cities, and the salaries are
    high to match. The largest cost for newcomers is rent: a two-room flat near the centre easily
    costs 2,500 francs a month, and finding one means competing with dozens of applicants.

    Health insurance is mandatory and paid by each person rather than the employer, around 400
    francs a month for an adult with a standard deductible. A coffee in a café costs five francs, a
    simple lunch twenty-five. Public transport is excellent and a yearly pass is good value.

    Taxes are lower than in many European countries, and savings rates among Swiss households are
    high. Many people budget carefully, cook at home and shop across the border in Germany. The high
    cost of living is manageable, but arrive with a few months of savings.
    """,
)
_add(
    "money-06",
    "Compound interest: the most boring miracle",
    "Why starting ten years earlier matters more than saving more.",
    ["personal-finance", "investing"],
    """
    Compound interest means earning returns on your past returns. At seven percent a year, money
    doubles roughly every ten years. Someone who invests 200 a month from age 25 to 35 and then
    stops can end up with more at retirement than someone who invests the same amount from 35 to 65.

    The numbers are dull for the first years, which is why people give up. In year one the interest
    is trivial compared with the contributions. After twenty years the growth of the pot each year
    can exceed what you pay in.

    Compounding works against you too. Credit card interest compounds monthly, and fees on
    investment funds compound just like returns. The practical lessons are to start early, keep
    costs low, and leave the money alone long enough for the curve to bend upwards.
    """,
)
_add(
    "money-07",
    "Saving for retirement with a pension and a personal portfolio",
    "Employer contributions, tax relief and how much is enough.",
    ["personal-finance", "retirement", "investing"],
    """
    If your employer matches pension contributions, take the full match before anything else: it is
    an instant return that no investment can beat. Tax relief on contributions makes a pension even
    more attractive for higher earners.

    A common rule of thumb is to save fifteen percent of gross income for retirement over a working
    life, more if you start late. Beyond the pension, a personal investment portfolio of low-cost
    index funds gives flexibility, since pension money is locked until a minimum age.

    As retirement approaches, shift gradually from shares towards bonds and cash so that a market
    crash in the last years does not derail your plans. Many people underestimate how long
    retirement lasts; planning for thirty years of withdrawals is sensible, and a withdrawal rate of
    around four percent of the portfolio is a cautious starting point.
    """,
)
_add(
    "money-08",
    "Cutting the running costs of a household",
    "Energy, insurance renewals and subscriptions: the bills nobody reviews.",
    ["personal-finance", "budget", "saving"],
    """
    The running costs of a household creep up without anyone deciding to spend more. Insurance
    renews automatically at a higher price, subscriptions multiply, and the energy tariff quietly
    changes. Once a year, sit down with every recurring bill and ask whether it is still needed and
    still competitive.

    Switching energy supplier or insurance provider takes an hour and often saves hundreds. Call
    your internet provider before the contract ends; retention offers are real. Cancel the streaming
    services nobody watches and the gym membership nobody uses.

    Small devices running all day add up as well: old fridges, a second freezer in the garage, a
    computer left on at night. A power meter shows the worst offenders. None of this is exciting,
    but money saved on bills you do not notice is money for the things you care about.
    """,
)
_add(
    "money-09",
    "Should you rent or buy a home?",
    "Price-to-rent ratios, hidden costs of owning and flexibility.",
    ["personal-finance", "housing"],
    """
    Buying a home is often described as the best investment, and renting as throwing money away. The
    truth depends on prices, interest rates and your plans. Owning has costs that renters never see:
    mortgage interest, maintenance of about one percent of the property value a year, insurance,
    property taxes and the fees of buying and selling.

    A useful check is the price-to-rent ratio: divide the price of a home by a year's rent for a
    similar one. Above about twenty, renting and investing the difference is often cheaper. In many
    expensive cities the ratio is far above that.

    Buying makes most sense when you plan to stay at least five to seven years, so the transaction
    costs are spread out. Renting buys flexibility for a new job or a new city. Neither is a moral
    choice; it is arithmetic plus how you want to live.
    """,
)
_add(
    "money-10",
    "Tracking your net worth once a month",
    "A simple spreadsheet of what you own and what you owe.",
    ["personal-finance", "saving"],
    """
    Net worth is everything you own minus everything you owe: savings, investments, the value of
    your home and pension, minus the mortgage, loans and card balances. Tracking it once a month
    gives a clearer picture of progress than watching any single account.

    A spreadsheet with one row per month and one column per account is enough. Use realistic values
    for the house and the car, and do not count possessions you would never sell. The trend matters
    more than the number; a steady upward line is a sign the budget and the saving are working.

    Early on, the line may barely move or even go down if you have student loans. That is normal.
    After a few years, watching debts shrink and investments grow becomes one of the most motivating
    habits in personal finance.
    """,
)

# --- astronomy ---------------------------------------------------------------------------------

_add(
    "astro-01",
    "Choosing a first telescope: aperture beats magnification",
    "Why a simple Dobsonian is the best beginner's telescope.",
    ["astronomy", "telescopes", "beginners"],
    """
    The number printed in large letters on cheap telescope boxes, 500x magnification, is
    meaningless. What matters is aperture, the diameter of the main mirror or lens, because it
    decides how much light the telescope gathers and how much detail it can resolve.

    For a beginner, a six or eight inch Dobsonian reflector offers the most aperture for the money.
    It sits on a simple rocking base that you push towards the object, with no complicated tripod or
    motors. It shows the rings of Saturn, the moons of Jupiter, craters on the Moon and hundreds of
    galaxies and star clusters from a dark site.

    Avoid small refractors on wobbly tripods; a shaky view ruins the hobby. Good binoculars are a
    sensible first step too: they teach you the sky and stay useful after you buy a telescope.
    """,
)
_add(
    "astro-02",
    "Escaping light pollution: finding a dark sky",
    "Bortle scale, light pollution maps and what a truly dark sky shows.",
    ["astronomy", "dark-sky"],
    """
    Most people in Europe have never seen the Milky Way from home. Street lights, buildings and
    advertising scatter light into the atmosphere and wash out all but the brightest stars. The
    Bortle scale describes sky quality from 1, a pristine dark site, to 9, an inner city.

    Light pollution maps show where the darkest skies are within driving distance. Even a move from
    Bortle 7 to Bortle 4 transforms what you see: the Milky Way appears, and faint galaxies become
    visible in a small telescope. Designated dark sky parks have rules on outdoor lighting and often
    run public observing nights.

    At home, you can still observe the Moon, the planets and double stars, which are bright enough
    to cut through the glow. Shield your eyes from nearby lights and give your eyes twenty minutes
    in the dark to adapt.
    """,
)
_add(
    "astro-03",
    "Watching the Perseid meteor shower",
    "When the Perseids peak, where to look and how to count meteors.",
    ["astronomy", "meteors"],
    """
    Every August the Earth passes through the dust trail of comet Swift-Tuttle, and the grains burn
    up in the atmosphere as the Perseid meteors. Around the peak, on a dark night, you may see fifty
    or more meteors an hour.

    No telescope is needed; it would only narrow your view. Lie on a reclining chair away from
    lights, look about halfway up the sky, and be patient. The meteors appear to come from a point
    in the constellation Perseus, but they streak across the whole sky. The best rates come after
    midnight, when your side of the Earth faces into the stream.

    Bring a blanket, a warm drink and a red light. A bright Moon reduces the count a lot, so check
    the lunar phase. Counting meteors in fifteen minute blocks and reporting them to a meteor
    organisation turns a pleasant evening into citizen science.
    """,
)
_add(
    "astro-04",
    "Photographing the Milky Way with a camera and a tripod",
    "Wide lenses, the 500 rule and stacking for less noise.",
    ["astronomy", "astrophotography"],
    """
    You do not need a telescope to photograph the Milky Way. A camera that allows manual settings, a
    wide and fast lens, and a sturdy tripod are enough. Set the lens wide open, focus manually on a
    bright star using live view, and use an ISO of 3200 to 6400.

    Exposures longer than about twenty seconds turn stars into short trails because the Earth
    rotates. The old rule of dividing 500 by the focal length gives a rough maximum; modern sensors
    need shorter times for pin-sharp stars. Take twenty frames and stack them in software to reduce
    noise.

    Plan with a map of light pollution and an app that shows where the galactic core will be. In the
    northern hemisphere it is best placed from May to August, on nights without the Moon. A
    foreground of mountains or an old tree turns a photo of stars into a landscape.
    """,
)
_add(
    "astro-05",
    "The Moon through binoculars: a guided tour",
    "Maria, craters and the terminator, night by night.",
    ["astronomy", "moon", "beginners"],
    """
    The Moon is the easiest and most rewarding target in the sky, and ordinary binoculars show a
    surprising amount of it. The dark plains are the maria, ancient lava seas; the bright rugged
    areas are highlands battered by impacts.

    The best views are not at full Moon, when sunlight falls straight down and flattens everything,
    but along the terminator, the line between day and night. There the low sun casts long shadows
    and craters and mountains stand out in relief. Follow the terminator night by night as it moves
    across the surface.

    A few days after new Moon, look for the crater Theophilus and its neighbours; at first quarter,
    the Apennine mountains. Brace the binoculars on a wall or a chair to steady the view. Sketching
    what you see trains the eye to notice more detail every time.
    """,
)
_add(
    "astro-06",
    "How stars are born, live and die",
    "From molecular clouds to white dwarfs, neutron stars and black holes.",
    ["astronomy", "astrophysics"],
    """
    Stars form in cold clouds of gas and dust that collapse under their own gravity. As a clump
    contracts it heats up until hydrogen fuses into helium in its core, and a star is born. The
    Orion Nebula, visible in binoculars, is a nursery where this is happening now.

    A star's mass decides its life. A star like the Sun runs on hydrogen for about ten billion
    years, then swells into a red giant and sheds its outer layers as a planetary nebula, leaving a
    white dwarf. Massive stars burn through their fuel in a few million years and end in supernova
    explosions that leave neutron stars or black holes.

    The elements in our bodies, the carbon, oxygen and iron, were forged inside stars that died
    before the Sun was born. Looking at a nebula is looking at the recycling of the galaxy.
    """,
)
_add(
    "astro-07",
    "Observing Jupiter and Saturn with a small telescope",
    "Cloud belts, the Great Red Spot, moons and rings.",
    ["astronomy", "planets", "telescopes"],
    """
    Jupiter and Saturn are the showpieces of a small telescope. Even at low magnification Jupiter
    shows two dark cloud belts and its four large moons, which change position every night as
    Galileo saw in 1610. With steady air and more magnification, the Great Red Spot and festoons in
    the belts appear.

    Saturn's rings are unforgettable the first time, a tiny perfect image that looks artificial.
    Look for the gap in the rings, the Cassini division, and the moon Titan nearby. The tilt of the
    rings changes over the years as Saturn orbits the Sun.

    Planets are bright enough to observe from a city, so light pollution matters less than the
    steadiness of the atmosphere. Let the telescope cool outside for half an hour, and observe when
    the planet is high above the horizon.
    """,
)
_add(
    "astro-08",
    "An evening at the observatory above Zürich",
    "Public observing nights, a café chat about galaxies and a first look at Saturn.",
    ["astronomy", "travel"],
    """
    The public observatory on the Uetliberg above Zürich opens on clear evenings, and volunteers
    from the local astronomy society run the telescopes. I went on a Friday in September with a
    friend who had never looked through a telescope.

    We started with the Moon, then Saturn, which drew the usual gasp from everyone in the queue.
    Later the volunteers turned the big refractor to the Andromeda galaxy and the Ring Nebula, and
    explained how far the light had travelled. The glow of the city limits faint objects, but the
    planets were sharp.

    Afterwards we sat in a café at the bottom of the hill and talked about galaxies and light years
    until closing time. If you are visiting Switzerland, check the weather and the opening hours;
    evenings are free and the volunteers clearly love sharing the sky.
    """,
)
_add(
    "astro-09",
    "Learning the constellations with star hopping",
    "From the Plough to Polaris, Arcturus and beyond, without a go-to mount.",
    ["astronomy", "beginners", "constellations"],
    """
    Star hopping means finding faint objects by stepping from bright stars you know along patterns
    in the sky. It is how astronomers navigated before computerised mounts, and it teaches you the
    sky far better than pressing a button.

    Start with the Plough, also called the Big Dipper. The two stars at the end of its bowl point to
    Polaris, the pole star. Follow the curve of the handle to the bright orange star Arcturus. From
    the Plough you can find the Whirlpool galaxy and the double star Mizar and Alcor.

    A planisphere or a star atlas and a red light are all you need. Learn two or three
    constellations each season rather than all of them at once. After a year, the sky becomes a
    familiar map rather than a random scatter of lights.
    """,
)
_add(
    "astro-10",
    "Total solar eclipses: planning a trip to the path of totality",
    "Weather odds, eye safety and the two minutes that change people.",
    ["astronomy", "eclipses", "travel"],
    """
    A partial eclipse is interesting; a total solar eclipse is overwhelming. When the Moon covers
    the Sun completely, the sky darkens in seconds, the temperature drops, and the pearly corona
    appears around the black disc. Totality lasts only a couple of minutes, and you must be inside
    the narrow path of the Moon's shadow to see it.

    Plan a trip around weather statistics, not only the length of totality: clouds ruin more
    eclipses than anything else. Be ready to drive on the day to find a gap in the clouds.

    Use certified eclipse glasses for every partial phase; looking at the Sun without them damages
    the eyes. Only during totality itself is it safe to look with the naked eye. Do not spend the
    two minutes behind a camera on your first eclipse; just look.
    """,
)


ARTICLES_BY_KEY: dict[str, Article] = {a.key: a for a in ARTICLES}


# --- queries -----------------------------------------------------------------------------------
# ``kind`` says what a query exercises: keywords, order (the same words as another query in
# another order), phrase ("..."), exclusion (-word), stemming, accents, filter (with a tag).
# The judgments are a reader's: an article about the subject counts even when it does not use
# the query's exact words, so a purely lexical search cannot reach 1.0 everywhere.

QUERIES: list[Query] = [
    Query("sourdough starter", {"bread-01": 2, "bread-08": 1, "bread-10": 1, "bread-09": 1}),
    Query(
        "bread",
        {"bread-10": 2, "bread-06": 2, "bread-04": 1, "bread-05": 1, "bread-07": 1, "bread-08": 1}
        | {"bread-01": 1, "bread-02": 1, "bread-03": 1, "bread-09": 1},
    ),
    Query("mesh router", {"network-01": 2, "network-06": 1, "network-05": 1}),
    Query("emergency fund", {"money-01": 2, "money-04": 1}),
    Query("meteor shower", {"astro-03": 2}),
    Query("head torch", {"running-07": 2, "running-10": 1}),
    Query("eclipse", {"astro-10": 2}),
    Query("dutch oven crust", {"bread-04": 2, "bread-05": 1}),
    Query("ankle sprain", {"running-06": 2, "running-08": 1}),
    Query("humidity tropical plants", {"plants-09": 2, "plants-05": 1, "plants-08": 1}),
    Query("raspberry pi server", {"network-03": 2, "network-04": 1, "network-08": 1}),
    Query("index funds fees", {"money-02": 2, "money-07": 1, "money-06": 1}),
    Query("vlan smart home", {"network-02": 2, "network-08": 1}),
    Query(
        "root rot overwatering", {"plants-01": 2, "plants-06": 1, "plants-05": 1, "plants-08": 1}
    ),
    Query("dark sky milky way", {"astro-02": 2, "astro-04": 1, "astro-03": 1}),
    Query("slow internet evening", {"network-06": 2, "network-01": 1}, kind="order"),
    Query("evening internet slow", {"network-06": 2, "network-01": 1}, kind="order"),
    Query("interest compound", {"money-06": 2, "money-02": 1, "money-04": 1}, kind="order"),
    Query("compound interest", {"money-06": 2, "money-02": 1, "money-04": 1}, kind="order"),
    Query('"running costs"', {"money-08": 2, "network-09": 2}, kind="phrase"),
    Query(
        '"bright indirect light"', {"plants-02": 2, "plants-03": 1, "plants-05": 1}, kind="phrase"
    ),
    Query("zurich -bread", {"running-05": 2, "money-05": 2, "astro-08": 2}, kind="exclusion"),
    Query(
        "sourdough -rye",
        {"bread-02": 1, "bread-04": 1, "bread-05": 1, "bread-07": 1, "bread-08": 1, "bread-09": 1},
        kind="exclusion",
    ),
    Query("running shoes", {"running-01": 2, "running-08": 1}, kind="stemming"),
    Query("trail shoe", {"running-01": 2, "running-05": 1}, kind="stemming"),
    Query("runs at night", {"running-07": 2, "running-10": 1}, kind="stemming"),
    Query("ran ultramarathon", {"running-02": 2, "running-10": 1}, kind="stemming"),
    Query("propagate cuttings", {"plants-03": 2}, kind="stemming"),
    Query("fermenting dough", {"bread-02": 2, "bread-07": 1, "bread-06": 1}, kind="stemming"),
    Query("creme brulee", {"bread-05": 2, "bread-09": 1}, kind="accents"),
    Query("cafe bakery", {"bread-05": 2, "bread-10": 1}, kind="accents"),
    Query("cafe vpn", {"network-04": 2}, kind="accents"),
    Query("zurich", {"running-05": 2, "money-05": 2, "astro-08": 2, "bread-10": 2}, kind="accents"),
    Query(
        "light",
        {"plants-02": 2, "plants-08": 2, "plants-09": 1, "plants-10": 1},
        kind="filter",
        tag="houseplants",
    ),
]
